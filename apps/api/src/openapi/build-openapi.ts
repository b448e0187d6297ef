import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function packageVersion(): string {
  for (const candidate of [
    join(__dirname, '../../../../package.json'),
    join(__dirname, '../../../../../package.json'),
  ]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout (source vs dist) */
    }
  }
  return '0.0.0';
}

/** GlitchTip paths end with a slash; the document lists them the way clients call them. */
function withTrailingSlashes(document: OpenAPIObject): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const key of Object.keys(document.paths).sort()) {
    const path = key.startsWith('/api/') && !key.endsWith('/') ? `${key}/` : key;
    paths[path] = document.paths[key]!;
  }
  return { ...document, paths };
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('GlitchTip-TS API')
    .setDescription(
      'GlitchTip-compatible REST API. Ingest endpoints (`/api/{projectId}/store/`, `/envelope/`, `/security/`) speak the Sentry protocol.',
    )
    .setVersion(packageVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (64 hex characters)' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  return withTrailingSlashes(document);
}
