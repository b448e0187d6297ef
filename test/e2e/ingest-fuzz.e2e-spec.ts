import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { BootstrapResult } from '../../apps/api/src/manage';
import { CAPTURES_DIR, FIXTURES_DIR, fixturesAvailable, loadCaptures } from '../support/captures';
import { http, rawPost } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

/**
 * A fuzz test of our own: real SDK captures and GlitchTip's conformance events, mutated (byte flips, truncation,
 * invalid UTF-8, wrong JSON types, envelope framing, encodings, bombs) and sent to the three ingest endpoints of a
 * server on 127.0.0.1. Seeded and bounded: FUZZ_SEED and FUZZ_COUNT (defaults below) reproduce a run exactly.
 * What must hold: no 5xx and no dropped connection, the process keeps serving, every valid event sent between the
 * mutants is stored, and nothing answered 200 fails in the worker (event_processing_failures stays empty).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const COUNT = Number(process.env.FUZZ_COUNT ?? 600);
const TIME_BUDGET_MS = 40_000;
const VALID_EVERY = 15;

type Endpoint = 'envelope' | 'store' | 'security';
interface Sample {
  endpoint: Endpoint;
  /** Decoded body bytes (captures arrive gzipped sometimes; mutation works on what the SDK meant). */
  body: Buffer;
}
interface Mutant {
  endpoint: Endpoint;
  body: Buffer;
  headers: Record<string, string>;
  label: string;
}

/** mulberry32: small, fast and good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const folder of readdirSync(CAPTURES_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const capture of loadCaptures(folder.name)) {
      const gzipped = capture.headers.some(
        ([name, value]) => name.toLowerCase() === 'content-encoding' && value.includes('gzip'),
      );
      const endpoint: Endpoint = capture.path.includes('/store/') ? 'store' : 'envelope';
      samples.push({ endpoint, body: gzipped ? gunzipSync(capture.body) : capture.body });
    }
  }
  const events = join(FIXTURES_DIR, 'glitchtip/incoming_events');
  for (const file of readdirSync(events).filter((f) => f.endsWith('.json')))
    samples.push({ endpoint: 'store', body: readFileSync(join(events, file)) });
  const csp = join(FIXTURES_DIR, 'glitchtip/csp');
  for (const file of readdirSync(csp).filter((f) => f.endsWith('.json')))
    samples.push({ endpoint: 'security', body: readFileSync(join(csp, file)) });
  return samples;
}

const HOSTILE_VALUES: unknown[] = [
  1e308,
  -1e308,
  -1,
  0,
  2 ** 53 + 1,
  1.5,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u2028\u2029',
  '☃'.repeat(3000),
  'x'.repeat(70_000),
  '9999-99-99T99:99:99Z',
  '99999-01-01',
  'null',
  [],
  [null],
  [[[[[[[[]]]]]]]],
  {},
  { '': '' },
  { __proto__: { polluted: true } },
  { constructor: { prototype: 1 } },
  null,
  true,
  false,
];

/** Every [container, key] in a JSON value, so that any field can be replaced. */
function slots(value: unknown, into: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(value)) {
    value.forEach((child, i) => {
      into.push([value, i]);
      slots(child, into);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      into.push([value as Record<string, unknown>, key]);
      slots(child, into);
    }
  }
  return into;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A JSON document with some of its fields swapped for values of the wrong type or shape. */
function mutateJson(random: () => number, text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const all = slots(value);
  if (all.length === 0) return JSON.stringify(pick(random, HOSTILE_VALUES));
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const [container, key] = pick(random, all);
    const roll = random();
    if (roll < 0.8) (container as Record<string | number, unknown>)[key] = pick(random, HOSTILE_VALUES);
    else if (roll < 0.9 && !Array.isArray(container)) {
      // The same value under a hostile key.
      container[pick(random, ['\u0000', '\ud800', '', '__proto__', 'a'.repeat(5000), '☃'])] = container[key];
    } else delete (container as Record<string | number, unknown>)[key];
  }
  return JSON.stringify(value);
}

/** An envelope as lines: header, then item header / payload pairs (length-delimited items are kept as is). */
function envelopeLines(body: Buffer): string[] {
  return body.toString('utf8').split('\n');
}

function mutateEnvelope(random: () => number, body: Buffer): Buffer {
  const lines = envelopeLines(body);
  const roll = random();
  if (roll < 0.5) {
    // Wrong types inside a payload or an item header, lengths left as they were (often wrong now).
    const index = Math.floor(random() * lines.length);
    const mutated = mutateJson(random, lines[index]!);
    if (mutated !== null) lines[index] = mutated;
    // Half of the time, fix up declared lengths so that the mutant passes framing and reaches the JSON checks.
    if (random() < 0.5) {
      for (let i = 1; i + 1 < lines.length; i += 2) {
        try {
          const header = JSON.parse(lines[i]!) as Record<string, unknown>;
          if (header && typeof header === 'object' && 'length' in header) {
            header.length = Buffer.byteLength(lines[i + 1]!);
            lines[i] = JSON.stringify(header);
          }
        } catch {
          /* not a header */
        }
      }
    }
    return Buffer.from(lines.join('\n'));
  }
  const framing = [
    () =>
      lines.splice(
        1,
        0,
        '{"type":"event","length":' + pick(random, ['-1', '1e9', '"☃"', 'null', '0.5']) + '}',
      ),
    () =>
      lines.splice(1, 0, pick(random, ['{"type":"event"}', '{"type":"attachment","length":3}', '{}', '[]'])),
    () => lines.splice(Math.floor(random() * lines.length), 1),
    () => lines.push(...Array.from({ length: 2000 }, () => '{"type":"client_report"}\n{}')),
    () => lines.splice(1, 0, `{"type":"event"}`, `${'['.repeat(5000)}${']'.repeat(5000)}`),
    () => lines.splice(0, 1, pick(random, ['', '{', 'null', '{"dsn":"http://x@/"}', '{"event_id":7}'])),
  ];
  pick(random, framing)();
  return Buffer.from(lines.join(random() < 0.5 ? '\n' : '\r\n'));
}

function mutateBytes(random: () => number, body: Buffer): Buffer {
  const out = Buffer.from(body);
  const roll = random();
  if (roll < 0.35) {
    for (let n = 1 + Math.floor(random() * 8); n > 0 && out.length; n--)
      out[Math.floor(random() * out.length)] ^= 1 << Math.floor(random() * 8);
    return out;
  }
  if (roll < 0.65) return out.subarray(0, Math.floor(random() * out.length));
  // Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate encoded, or 0xff.
  const bad = pick(random, [
    [0x80],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xff],
    [0xf4, 0x90, 0x80, 0x80],
    [0x00],
  ]);
  const at = Math.floor(random() * (out.length + 1));
  return Buffer.concat([out.subarray(0, at), Buffer.from(bad), out.subarray(at)]);
}

/** How the body travels: mostly as the SDKs send it, sometimes with a lying or broken encoding. */
function encode(random: () => number, body: Buffer): { body: Buffer; headers: Record<string, string> } {
  const roll = random();
  if (roll < 0.55) return { body, headers: {} };
  if (roll < 0.7) return { body: gzipSync(body), headers: { 'Content-Encoding': 'gzip' } };
  const choices: Array<() => { body: Buffer; headers: Record<string, string> }> = [
    () => ({ body, headers: { 'Content-Encoding': 'gzip' } }),
    () => ({ body: gzipSync(body), headers: { 'Content-Encoding': 'deflate' } }),
    () => ({ body: deflateSync(body), headers: { 'Content-Encoding': 'deflate' } }),
    () => ({ body: brotliCompressSync(body), headers: { 'Content-Encoding': 'br' } }),
    () => ({ body: gzipSync(gzipSync(body)), headers: { 'Content-Encoding': 'gzip, gzip' } }),
    () => ({ body: gzipSync(body).subarray(0, 12), headers: { 'Content-Encoding': 'gzip' } }),
    () => ({ body: Buffer.from(deflateSync(body).toString('base64')), headers: {} }),
    () => ({
      body,
      headers: { 'Content-Encoding': pick(random, ['zstd', 'identity', 'gzip;q=1', '\u00e9']) },
    }),
    () => ({
      body,
      headers: { 'Content-Type': pick(random, ['text/plain', 'multipart/form-data', '\u00ff']) },
    }),
  ];
  return pick(random, choices)();
}

function mutate(random: () => number, samples: Sample[], bomb: Buffer): Mutant {
  const sample = pick(random, samples);
  const roll = random();
  let body: Buffer;
  let label: string;
  if (roll < 0.03) {
    return { endpoint: sample.endpoint, body: bomb, headers: { 'Content-Encoding': 'gzip' }, label: 'bomb' };
  } else if (roll < 0.45) {
    label = 'json';
    body =
      sample.endpoint === 'envelope'
        ? mutateEnvelope(random, sample.body)
        : Buffer.from(mutateJson(random, sample.body.toString('utf8')) ?? sample.body.toString('utf8'));
  } else if (roll < 0.6 && sample.endpoint === 'envelope') {
    label = 'framing';
    body = mutateEnvelope(random, sample.body);
  } else {
    label = 'bytes';
    body = mutateBytes(random, sample.body);
  }
  // Now and then the body goes to an endpoint it was not made for.
  const endpoint =
    random() < 0.1 ? pick(random, ['envelope', 'store', 'security'] as const) : sample.endpoint;
  const encoded = encode(random, body);
  return { endpoint, body: encoded.body, headers: encoded.headers, label };
}

(fixturesAvailable ? describe : describe.skip)('ingest fuzzing with mutated real captures', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let key: string;
  let db: Client;

  beforeAll(async () => {
    stack = await startTestStack({
      env: { GLITCHTIP_MAX_EVENT_SIZE: String(256 * 1024), GLITCHTIP_MAX_BODY_SIZE: String(1024 * 1024) },
    });
    seed = await stack.seed();
    key = new URL(seed.dsn).username;
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await stack.close();
  });

  it(`stays up, answers no 5xx and loses nothing it accepted (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const samples = loadSamples();
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, '{'));
    const path = (endpoint: Endpoint) => `/api/${seed.projectId}/${endpoint}/?sentry_key=${key}`;
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    const valid: string[] = [];
    const started = Date.now();
    let sent = 0;
    for (; sent < COUNT && Date.now() - started < TIME_BUDGET_MS; sent++) {
      const mutant = mutate(random, samples, bomb);
      const res = await rawPost(
        stack.baseUrl,
        path(mutant.endpoint),
        mutant.body,
        mutant.headers,
        10_000,
      ).catch((error: Error) => ({ status: 0, body: error.message, headers: {} }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 0 || res.status >= 500) {
        serverErrors.push(
          `#${sent} ${mutant.label} → ${mutant.endpoint}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
      if (sent % VALID_EVERY === 0) {
        const id = `${SEED.toString(16).padStart(8, '0')}${sent.toString(16).padStart(24, '0')}`;
        const ok = await rawPost(
          stack.baseUrl,
          path('store'),
          JSON.stringify({ event_id: id, message: 'canary' }),
        );
        expect(ok.status).toBe(200);
        valid.push(id);
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log(`${sent} mutants, statuses`, Object.fromEntries(statuses));
    expect(serverErrors).toEqual([]);
    expect((await http(stack.baseUrl, '/_health/')).status).toBe(200);
    // Most mutants are refused, but a fair share must get through to the worker for the test to mean anything.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(sent / 10);

    await stack.drain(60_000);
    const stored = await db.query<{ id: string }>(
      `SELECT replace(event_id::text, '-', '') AS id FROM events WHERE event_id = ANY($1::uuid[])`,
      [valid],
    );
    expect(stored.rows.map((r) => r.id).sort()).toEqual([...valid].sort());
    const failures = await db.query<{ error: string; payload: string }>(
      'SELECT error, left(payload, 300) AS payload FROM event_processing_failures',
    );
    expect(failures.rows).toEqual([]);
  }, 150_000);
});
