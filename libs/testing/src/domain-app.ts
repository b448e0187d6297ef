import { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, DatabaseModule, loadConfig, RedisModule } from '@app/core';
import { createTestDatabase, TestDatabase } from './test-database';

export interface DomainTestApp {
  db: TestDatabase;
  app: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * A fresh database and the given domain modules on it (configuration, TypeORM and an in-process shared store included, no HTTP), for
 * integration tests of repositories and services.
 */
export async function startDomainApp(imports: ModuleMetadata['imports'] = []): Promise<DomainTestApp> {
  const db = await createTestDatabase();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(loadConfig({ DATABASE_URL: db.url })),
      DatabaseModule.forRoot(),
      // In-process (no REDIS_URL): the shared store that cache invalidation publishes on.
      RedisModule,
      ...imports,
    ],
  }).compile();
  const app = await moduleRef.init();
  return {
    db,
    app,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
