import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '@app/core';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument } from './build-openapi';
import { canonicalJson } from './canonical-json';

/**
 * Writes the OpenAPI document the api serves to openapi.json (keys sorted), so that every API change shows in
 * review; test/e2e/openapi.e2e-spec.ts fails when the served document and the committed one differ.
 * Nest's preview mode reads the routes without instantiating providers: no database or Redis is needed.
 */
async function writeOpenApi(target: string): Promise<void> {
  const config = loadConfig({ SERVER_ROLE: 'all_in_one', LOG_LEVEL: 'error' });
  const app = await NestFactory.create(ApiModule.forRoot(config), { preview: true, logger: false });
  writeFileSync(target, canonicalJson(buildOpenApiDocument(app)));
  await app.close();
}

const target = resolve(process.argv[2] ?? 'openapi.json');
writeOpenApi(target).then(
  () => console.log(`wrote ${target}`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
