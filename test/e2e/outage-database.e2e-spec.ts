import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createBullQueue, QueueName } from '@app/core';
import { IngestJobData } from '@app/ingest';
import { ProjectKeyCache } from '@app/projects';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { ensureBuilt, manage } from '../support/all-in-one-process';
import { http, rawPost } from '../support/http';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';
import { startTestStack, TestStack } from '../support/test-app';

interface Health {
  status: string;
  database: { ok: boolean };
  redis?: { ok: boolean };
  queue: { ok: boolean; waiting: number; active: number; delayed: number; failed: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL goes away (a proxy between it and the api and worker is cut: connections refused and reset) for far
 * longer than the ingest jobs' whole retry schedule, which the test shortens to two tries 50 ms apart. No attempt
 * may be spent on the outage: every event answered 200 is stored once it is back, and nothing lands in Bull's
 * failed set. Before the fix, the jobs failed their two tries within a fraction of a second and stayed failed.
 */
describe('a PostgreSQL outage', () => {
  let proxy: TcpProxy;
  let stack: TestStack;
  let worker: INestApplicationContext | null = null;
  let direct: Client;
  let seed: Awaited<ReturnType<TestStack['seed']>>;

  const startWorker = async () => {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(stack.config), {
      logger: process.env.TEST_LOG ? ['error', 'warn', 'log'] : false,
    });
    await app.init();
    return app;
  };
  const store = (dsn: string, eventId: string) => {
    const url = new URL(dsn);
    return rawPost(
      stack.baseUrl,
      `/api${url.pathname}/store/?sentry_key=${url.username}`,
      JSON.stringify({ event_id: eventId, message: `outage event ${eventId}`, level: 'error' }),
      { 'Content-Type': 'application/json' },
      15_000,
    );
  };
  const health = () => http<Health>(stack.baseUrl, '/_health/');
  const storedCounts = async (ids: string[]) => {
    const { rows } = await direct.query<{ id: string; n: number }>(
      `SELECT replace(event_id::text, '-', '') AS id, count(*)::int AS n FROM events
        WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [ids],
    );
    return Object.fromEntries(rows.map((r) => [r.id, r.n]));
  };
  const acceptDuringOutage = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID().replace(/-/g, ''));
    const answers = await Promise.all(ids.map((id) => store(seed.dsn, id)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    return ids;
  };

  beforeAll(async () => {
    ensureBuilt();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    stack = await startTestStack({
      worker: false,
      databaseUrl: (url) => proxy.through(url),
      env: { INGEST_JOB_ATTEMPTS: '2', INGEST_JOB_BACKOFF_MS: '50', WORKER_BATCH_WAIT_MS: '20' },
    });
    direct = new Client({ connectionString: stack.db.url });
    await direct.connect();
    seed = await stack.seed();
    worker = await startWorker();
  });

  afterAll(async () => {
    await proxy?.restore();
    await worker?.close();
    await direct?.end();
    await stack?.close();
    await proxy?.close();
  });

  it('loses no accepted event: the worker waits for the database without spending attempts', async () => {
    const warm = randomUUID().replace(/-/g, '');
    expect((await store(seed.dsn, warm)).status).toBe(200);
    await stack.drain();
    // A project created before the outage whose key this api has never looked up.
    const unseen = await stack.seed({ project: 'Never Sent' });
    // Key changes expire cached keys; the expired state is still what ingest falls back on.
    await stack.api.get(ProjectKeyCache).invalidate();

    await proxy.cut();
    const ids = await acceptDuringOutage(20);

    const refused = await store(unseen.dsn, randomUUID().replace(/-/g, ''));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body.detail).toMatch(/database is unreachable/);

    // Well past the whole retry schedule (two tries 50 ms apart), and through several database probes.
    await sleep(2_500);
    const during = await health();
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ status: 'degraded', database: { ok: false }, redis: { ok: true } });
    expect(during.body.queue).toMatchObject({ ok: true, failed: 0, delayed: 0 });
    expect(during.body.queue.waiting + during.body.queue.active).toBeGreaterThan(0);

    await proxy.restore();
    await stack.drain(30_000);
    const counts = await storedCounts(ids);
    expect(ids.map((id) => counts[id])).toEqual(ids.map(() => 1));
    const after = await health();
    expect(after.body).toMatchObject({ status: 'ok', database: { ok: true }, queue: { failed: 0 } });
  });

  it('hands held jobs back to the queue when the worker stops during the outage', async () => {
    await proxy.cut();
    const ids = await acceptDuringOutage(10);
    await sleep(500);
    // The worker holds the jobs, waiting for the database; stopping must neither hang nor fail them.
    await worker!.close();
    worker = null;
    const during = await health();
    expect(during.body.queue).toMatchObject({ failed: 0, active: 0 });
    expect(during.body.queue.waiting).toBeGreaterThan(0);

    await proxy.restore();
    worker = await startWorker();
    await stack.drain(30_000);
    const counts = await storedCounts(ids);
    expect(ids.map((id) => counts[id])).toEqual(ids.map(() => 1));
  });

  it('lists and requeues jobs in the failed set', async () => {
    await worker!.close();
    worker = null;
    const ids = [randomUUID(), randomUUID(), randomUUID()].map((id) => id.replace(/-/g, ''));
    const job = (eventId: string): IngestJobData => ({
      projectId: Number(seed.projectId),
      eventId,
      receivedAt: Date.now(),
      kind: 'event',
      payload: JSON.stringify({ event_id: eventId, message: `requeued ${eventId}` }),
    });
    // Jobs that failed their last attempt.
    const older = createBullQueue(stack.config, QueueName.EventIngest);
    // One in the one-event shape of versions before grouping.
    await older.add(job(ids[0]!), { attempts: 1 });
    await older.add({ events: [job(ids[1]!), job(ids[2]!)] }, { attempts: 1 });
    const failedAll = new Promise<void>((resolve) => {
      let failed = 0;
      older.on('failed', () => ++failed === 2 && resolve());
    });
    void older.process(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    await failedAll;
    await older.close();
    expect((await health()).body.queue.failed).toBe(2);

    const env = {
      ...process.env,
      DATABASE_URL: stack.db.url,
      REDIS_URL: stack.config.redisUrl,
      REDIS_PREFIX: stack.config.redisPrefix,
      LOG_LEVEL: 'error',
    };
    const listed = JSON.parse((await manage(['failed-jobs', '--json'], env)).stdout) as Array<{
      events: number;
      reason: string;
    }>;
    expect(listed.map((j) => j.events).sort()).toEqual([1, 2]);
    expect(listed[0]!.reason).toMatch(/ECONNREFUSED/);
    expect((await manage(['requeue-failed'], env)).stdout).toMatch(/Requeued 3 events from 2 failed jobs/);
    expect((await manage(['failed-jobs'], env)).stdout).toMatch(/No failed ingest jobs/);

    worker = await startWorker();
    await stack.drain(30_000);
    const counts = await storedCounts(ids);
    expect(ids.map((id) => counts[id])).toEqual([1, 1, 1]);
    expect((await health()).body.queue.failed).toBe(0);
  });
});
