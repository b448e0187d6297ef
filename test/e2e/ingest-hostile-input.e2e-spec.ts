import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { BootstrapResult } from '../../apps/api/src/manage';
import { http, rawPost, RawResult } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

/** Printable ASCII only: what Node accepts in a header, and what every HTTP client can read. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

describe('ingest survives hostile bytes and stores every event it answered 200', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let key: string;
  let db: Client;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    key = new URL(seed.dsn).username;
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await stack.close();
  });

  const store = (body: Buffer | string) =>
    rawPost(stack.baseUrl, `/api/${seed.projectId}/store/?sentry_key=${key}`, body);
  const security = (body: Buffer | string) =>
    rawPost(stack.baseUrl, `/api/${seed.projectId}/security/?sentry_key=${key}`, body);
  const envelope = (body: Buffer | string, auth = true) =>
    rawPost(stack.baseUrl, `/api/${seed.projectId}/envelope/${auth ? `?sentry_key=${key}` : ''}`, body);

  async function stillServes(): Promise<void> {
    const id = randomUUID().replace(/-/g, '');
    const res = await store(JSON.stringify({ event_id: id, message: 'still here' }));
    expect(res.status).toBe(200);
  }

  function expectClearRefusal(res: RawResult, status: number, detail: RegExp): void {
    expect(res.status).toBe(status);
    expect(res.body.detail).toMatch(detail);
    const header = res.headers['x-sentry-error'];
    expect(typeof header).toBe('string');
    expect(header).toMatch(HEADER_SAFE);
  }

  it('quotes client bytes into X-Sentry-Error escaped, and keeps serving', async () => {
    // Two bytes, no key: the envelope header is not JSON, and its text used to reach the header raw.
    expectClearRefusal(await envelope(Buffer.from([0xff, 0x0a]), false), 400, /envelope header/);
    await stillServes();
    expectClearRefusal(await store(Buffer.from('{"a":\x01}', 'latin1')), 400, /not valid JSON/);
    await stillServes();
    expectClearRefusal(
      await security(Buffer.concat([Buffer.from('{"csp-report":'), Buffer.from([0xff]), Buffer.from('}')])),
      400,
      /not valid JSON/,
    );
    await stillServes();
    expectClearRefusal(await envelope('{}\n{"type":"event","length":"☃"}\n{}\n'), 400, /length/);
    await stillServes();
    const health = await http(stack.baseUrl, '/_health/');
    expect(health.status).toBe(200);
  });

  it('refuses at the api what could never become an event or a report', async () => {
    expectClearRefusal(await security('{"csp-report":[]}'), 400, /no CSP violation/);
    expectClearRefusal(await security('[{"type":"network-error","body":{}}]'), 400, /no CSP violation/);
    const reportId = randomUUID().replace(/-/g, '');
    expectClearRefusal(
      await envelope(`{}\n{"type":"user_report"}\n${JSON.stringify({ event_id: reportId, name: 'A' })}\n`),
      400,
      /user_report item: user report has no comments/,
    );
    expectClearRefusal(
      await envelope(
        `{}\n{"type":"feedback"}\n${JSON.stringify({ contexts: { feedback: { message: ' ' } } })}\n`,
      ),
      400,
      /feedback item: feedback has no message/,
    );
  });

  it('repairs fields it cannot keep instead of dropping the event', async () => {
    const hugeTimestamp = randomUUID().replace(/-/g, '');
    const res = await store(`{"event_id":"${hugeTimestamp}","message":"x","timestamp":1e308}`);
    expect(res.status).toBe(200);
    const nulAndSurrogates = randomUUID().replace(/-/g, '');
    expect(
      (
        await store(
          `{"event_id":"${nulAndSurrogates}","message":"a\\u0000b\\ud800c","tags":{"k\\u0000":"\\udfff"},` +
            `"extra":{"\\u0000":"\\u0000"},"user":{"id":"\\ud800"}}`,
        )
      ).status,
    ).toBe(200);
    await stack.drain();

    const failures = await db.query('SELECT error FROM event_processing_failures');
    expect(failures.rows).toEqual([]);
    const stored = await db.query('SELECT data FROM events WHERE event_id = $1', [hugeTimestamp]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].data.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'invalid_data', name: 'timestamp' })]),
    );
    const repaired = await db.query('SELECT data FROM events WHERE event_id = $1', [nulAndSurrogates]);
    expect(repaired.rows).toHaveLength(1);
  });
});
