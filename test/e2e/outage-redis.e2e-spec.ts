import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { http, rawPost } from '../support/http';
import { PrivateRedis, startPrivateRedis } from '../support/redis-server';
import { startTestStack, TestStack } from '../support/test-app';

interface Health {
  status: string;
  database: { ok: boolean };
  redis?: { ok: boolean; error?: string };
  queue: { ok: boolean };
}

/**
 * Redis (a private redis-server, killed and started again) goes away under the api. Ingest must not hold requests
 * until it returns: after INGEST_ENQUEUE_TIMEOUT_MS it answers 503 with Retry-After, and `/_health/` says Redis is
 * down with a 503. Before the fix, each request waited for ioredis to give up (tens of seconds) and health said "ok".
 */
describe('a Redis outage', () => {
  let redis: PrivateRedis;
  let stack: TestStack;
  let seed: Awaited<ReturnType<TestStack['seed']>>;

  const store = (eventId: string) => {
    const url = new URL(seed.dsn);
    return rawPost(
      stack.baseUrl,
      `/api${url.pathname}/store/?sentry_key=${url.username}`,
      JSON.stringify({ event_id: eventId, message: `redis outage ${eventId}` }),
      { 'Content-Type': 'application/json' },
      // Far below ioredis's own give-up time: an answer must come from the enqueue bound.
      10_000,
    );
  };
  const isStored = async (eventId: string) => {
    const db = new Client({ connectionString: stack.db.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT 1 FROM events WHERE event_id = $1', [eventId]);
      return rows.length === 1;
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startTestStack({ env: { REDIS_URL: redis.url, INGEST_ENQUEUE_TIMEOUT_MS: '300' } });
    seed = await stack.seed();
  });

  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await stack?.close();
    await redis?.kill();
  });

  it('answers 503 with Retry-After within the enqueue bound, reports Redis down, and recovers', async () => {
    const before = randomUUID().replace(/-/g, '');
    expect((await store(before)).status).toBe(200);
    await stack.drain();
    expect(await isStored(before)).toBe(true);
    expect((await http<Health>(stack.baseUrl, '/_health/')).body).toMatchObject({
      status: 'ok',
      redis: { ok: true },
      queue: { ok: true, waiting: 0, failed: 0 },
    });

    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const refused = await store(randomUUID().replace(/-/g, ''));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body.detail).toMatch(/queue is unavailable/);
    }
    const down = await http<Health>(stack.baseUrl, '/_health/');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', database: { ok: true }, redis: { ok: false } });
    expect(down.body.queue.ok).toBe(false);

    await redis.start();
    let health = down;
    for (let i = 0; i < 200 && health.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = await http<Health>(stack.baseUrl, '/_health/');
    }
    expect(health.body).toMatchObject({ status: 'ok', redis: { ok: true } });
    const after = randomUUID().replace(/-/g, '');
    expect((await store(after)).status).toBe(200);
    await stack.drain();
    expect(await isStored(after)).toBe(true);
  });
});
