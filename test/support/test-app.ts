import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppConfig, createBullQueue, loadConfig, QueueName } from '@app/core';
import { createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueRedisPrefix } from '@app/testing';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/configure-http-app';
import { bootstrap, BootstrapResult } from '../../apps/api/src/manage';
import { ensurePartitions } from '@app/partitioning';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface TestStack {
  config: AppConfig;
  db: TestDatabase;
  api: INestApplication;
  worker: INestApplicationContext | null;
  baseUrl: string;
  /** Resolves once every queued event has been processed. */
  drain(timeoutMs?: number): Promise<void>;
  seed(
    options?: Partial<{ email: string; password: string; org: string; project: string }>,
  ): Promise<BootstrapResult>;
  /** Closes the api alone (as SIGTERM does), once; close() then reuses it. */
  closeApi(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the api the way main.ts does (same module, same configureHttpApp) on an ephemeral port, and the worker
 * in the same process, against a fresh database cloned from the migrated template and its own Redis prefix.
 */
export async function startTestStack(
  options: {
    env?: Record<string, string>;
    worker?: boolean;
    /** The URL the api and worker use for the test database (e.g. through a proxy the test can cut). */
    databaseUrl?: (url: string) => string;
  } = {},
): Promise<TestStack> {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.url) : db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
    SERVER_ROLE: 'api',
    PORT: '0',
    LOG_LEVEL: 'error',
    WORKER_BATCH_WAIT_MS: '50',
    ...options.env,
  });
  const api = await NestFactory.create(ApiModule.forRoot(config), {
    logger: process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error'],
  });
  await configureHttpApp(api);
  await api.listen(0, '127.0.0.1');
  const { port } = api.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  config.domain = baseUrl;
  const worker =
    options.worker === false
      ? null
      : await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
          logger: process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error'],
        });
  if (worker) await worker.init();
  const { Client } = await import('pg');
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await ensurePartitions(pg);
  await pg.end();
  const probe = createBullQueue(config, QueueName.EventIngest);
  let apiClosing: Promise<void> | null = null;
  const closeApi = () => (apiClosing ??= api.close());

  return {
    config,
    db,
    api,
    worker,
    baseUrl,
    async drain(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await probe.getJobCounts();
        if (counts.waiting + counts.active + counts.delayed === 0) return;
        if (Date.now() > deadline) throw new Error(`queue did not drain: ${JSON.stringify(counts)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    seed: (seedOptions = {}) =>
      bootstrap(config, {
        email: 'owner@example.com',
        password: 'correct horse battery staple',
        org: 'Acme',
        project: 'Backend',
        ...seedOptions,
      }),
    closeApi,
    async close() {
      await probe.obliterate({ force: true }).catch(() => undefined);
      await probe.close();
      await worker?.close();
      await closeApi();
      await db.drop();
    },
  };
}
