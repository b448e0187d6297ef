import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BootstrapResult } from '../../apps/api/src/manage';
import { http, rawPost } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

function eventEnvelope(eventId: string, message: string): string {
  return `${JSON.stringify({ event_id: eventId })}\n{"type":"event"}\n${JSON.stringify({ event_id: eventId, message, level: 'error' })}\n`;
}

describe('ingest rejects bad input clearly and keeps every valid event', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let other: BootstrapResult;
  let key: string;

  beforeAll(async () => {
    stack = await startTestStack({
      env: { GLITCHTIP_MAX_EVENT_SIZE: String(64 * 1024), GLITCHTIP_MAX_BODY_SIZE: String(256 * 1024) },
    });
    seed = await stack.seed();
    other = await stack.seed({ project: 'Frontend' });
    key = new URL(seed.dsn).username;
  });
  afterAll(() => stack.close());

  const envelopePath = (projectId = seed.projectId, k = key) =>
    `/api/${projectId}/envelope/?sentry_key=${k}&sentry_version=7`;
  const sendValid = async (label: string) => {
    const id = randomUUID().replace(/-/g, '');
    const res = await rawPost(stack.baseUrl, envelopePath(), eventEnvelope(id, `valid event ${label}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id });
    return id;
  };

  it('answers each bad request with its status and a JSON detail, and stores the valid events around them', async () => {
    const valid: string[] = [await sendValid('first')];
    const cases: Array<{
      name: string;
      send: () => ReturnType<typeof rawPost>;
      status: number;
      detail: RegExp;
    }> = [
      {
        name: 'missing auth',
        send: () => rawPost(stack.baseUrl, `/api/${seed.projectId}/store/`, '{"message":"x"}'),
        status: 401,
        detail: /missing authorization/,
      },
      {
        name: 'unknown key',
        send: () =>
          rawPost(
            stack.baseUrl,
            envelopePath(seed.projectId, 'f'.repeat(32)),
            eventEnvelope('a'.repeat(32), 'x'),
          ),
        status: 403,
        detail: /Invalid DSN/,
      },
      {
        name: 'key of another project',
        send: () =>
          rawPost(stack.baseUrl, envelopePath(other.projectId, key), eventEnvelope('b'.repeat(32), 'x')),
        status: 403,
        detail: /Invalid DSN/,
      },
      {
        name: 'malformed envelope header',
        send: () => rawPost(stack.baseUrl, envelopePath(), '{"event_id": nope\n{"type":"event"}\n{}'),
        status: 400,
        detail: /envelope header/,
      },
      {
        name: 'malformed event JSON',
        send: () => rawPost(stack.baseUrl, envelopePath(), '{}\n{"type":"event"}\n{"message": "unterminated'),
        status: 400,
        detail: /not valid JSON/,
      },
      {
        name: 'truncated gzip',
        send: () =>
          rawPost(
            stack.baseUrl,
            envelopePath(),
            gzipSync(eventEnvelope('c'.repeat(32), 'x')).subarray(0, 20),
            {
              'Content-Encoding': 'gzip',
            },
          ),
        status: 400,
        detail: /gzip/,
      },
      {
        name: 'oversized body',
        send: () => rawPost(stack.baseUrl, envelopePath(), Buffer.alloc(300 * 1024, 'a')),
        status: 413,
        detail: /exceeds/,
      },
      {
        name: 'event over the event size limit',
        send: () =>
          rawPost(
            stack.baseUrl,
            envelopePath(),
            `{}\n{"type":"event"}\n${JSON.stringify({ message: 'm', extra: { blob: 'x'.repeat(70 * 1024) } })}\n`,
          ),
        status: 413,
        detail: /size limits/,
      },
      {
        name: 'decompression bomb',
        send: () =>
          rawPost(
            stack.baseUrl,
            `/api/${seed.projectId}/store/?sentry_key=${key}`,
            gzipSync(Buffer.alloc(50 * 1024 * 1024)),
            {
              'Content-Encoding': 'gzip',
            },
          ),
        status: 413,
        detail: /exceeds|limit/,
      },
      {
        name: 'deeply nested JSON',
        send: () =>
          rawPost(
            stack.baseUrl,
            `/api/${seed.projectId}/store/?sentry_key=${key}`,
            `{"extra":${'['.repeat(20000)}${']'.repeat(20000)}}`,
          ),
        status: 400,
        detail: /nested deeper/,
      },
      {
        name: 'unsupported encoding',
        send: () => rawPost(stack.baseUrl, envelopePath(), 'abc', { 'Content-Encoding': 'snappy' }),
        status: 415,
        detail: /encoding/,
      },
    ];
    for (const c of cases) {
      const res = await c.send();
      expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: c.status });
      expect(res.body.detail).toMatch(c.detail);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      valid.push(await sendValid(c.name));
    }
    const health = await http(stack.baseUrl, '/_health/');
    expect(health.status).toBe(200);

    await stack.drain();
    const issues = await http<Array<{ title: string; count: string }>>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=valid`,
      { token: seed.token },
    );
    // "valid event <label>" messages normalise to one issue; every one of them was stored.
    expect(issues.body.reduce((s, i) => s + Number(i.count), 0)).toBe(valid.length);
  });

  it('answers CORS preflights and accepts other item types without storing them as events', async () => {
    const preflight = await fetch(`${stack.baseUrl}${envelopePath()}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-sentry-auth');
    expect(preflight.headers.get('access-control-expose-headers')).toContain('retry-after');

    const sessions = await rawPost(
      stack.baseUrl,
      envelopePath(),
      '{}\n{"type":"session"}\n{"sid":"x","status":"ok"}\n{"type":"client_report"}\n{"discarded_events":[]}\n{"type":"mystery","length":3}\nabc',
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body).toEqual({});
  });

  it('authenticates tunnelled envelopes by the DSN in their header', async () => {
    const id = randomUUID().replace(/-/g, '');
    const body = `${JSON.stringify({ event_id: id, dsn: seed.dsn })}\n{"type":"event"}\n${JSON.stringify({ message: 'Tunnelled hello' })}`;
    const res = await rawPost(stack.baseUrl, `/api/${seed.projectId}/envelope/`, body, {
      'Content-Type': 'application/x-sentry-envelope',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id });
    const wrongProject = await rawPost(stack.baseUrl, `/api/${other.projectId}/envelope/`, body);
    expect(wrongProject.status).toBe(403);
    const none = await rawPost(stack.baseUrl, `/api/${seed.projectId}/envelope/`, `{}\n{"type":"event"}\n{}`);
    expect(none.status).toBe(401);
  });
});

describe('ingest backpressure', () => {
  let stack: TestStack;
  let seed: BootstrapResult;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { INGEST_MAX_BACKLOG: '2' } });
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  it('answers 429 with Retry-After and X-Sentry-Rate-Limits once the backlog bound is reached', async () => {
    const key = new URL(seed.dsn).username;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof rawPost>> | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await rawPost(
        stack.baseUrl,
        `/api/${seed.projectId}/store/?sentry_key=${key}`,
        JSON.stringify({ message: `m${i}` }),
      );
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      await new Promise((r) => setTimeout(r, 600)); // the backlog figure is refreshed every 500 ms
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(limited).toBeDefined();
    expect(limited!.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited!.headers['x-sentry-rate-limits']).toMatch(/^\d+::organization$/);
  });
});
