import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';

/**
 * Request templates for the load generator, derived from the real SDK captures in
 * ../shared/fixtures/sdk-captures when that folder exists, else from built-in synthetic captures of the same
 * shapes (see `syntheticCaptures`). Nothing from the fixtures is copied into the repository.
 *
 * Every template is a complete HTTP/1.1 request (head + framing + body) with the places that vary per request
 * marked: the event id (unique per request), the issue variant (exception type or message, so that events
 * form many issues and repeat existing ones), the user id, the environment and the release. Patching is a
 * fixed-width byte overwrite, so building a request costs one buffer copy.
 *
 * Gzipped bodies (the Python SDK's) are sent as two gzip members: a stored (uncompressed) member holding the
 * short JSON prefix with the varying fields, then the rest of the JSON compressed at the SDK's level. RFC 1952
 * allows concatenated members and every gzip decoder (Node's included) returns the concatenation, so the
 * server decompresses the same amount of data as with a one-member body, while the load generator only
 * recomputes one CRC per request instead of gzipping.
 */

export const CAPTURES_DIR = resolve(__dirname, '../../../shared/fixtures/sdk-captures');

export interface Capture {
  name: string;
  method: string;
  /** Path and query as captured (project id 1, captured key). */
  path: string;
  headers: Array<[string, string]>;
  /** Wire body (still gzipped when the capture was). */
  body: Buffer;
}

/** Where the same-width values are written in a template's wire bytes. */
interface PatchPoints {
  eventId: number[];
  variant: number[];
  user: number[];
  environment: number[];
  release: number[];
}

export interface Template {
  name: string;
  sdk: string;
  weight: number;
  gzip: boolean;
  chunked: boolean;
  endpoint: 'envelope' | 'store';
  /** Complete request bytes with markers. */
  wire: Buffer;
  patches: PatchPoints;
  /** Gzip bodies: the stored member whose CRC-32 must follow the patched bytes. */
  stored?: { dataStart: number; dataEnd: number; crcOffset: number };
  /** Decompressed event JSON size, bytes. */
  eventBytes: number;
}

// Markers: fixed width, and made of characters that cannot occur in the captured JSON by accident.
const M_EVENT_ID = 'EVENTIDEVENTIDEVENTIDEVENTIDEVEN'; // 32
const M_VARIANT = 'QZQZ'; // 4
const M_USER = 'UQZUQZ'; // 6
const M_ENV = 'EQZEQZEQZE'; // 10
const M_RELEASE = 'RQZ'; // 3
const CAPTURED_KEYS = ['publickey', '0123456789abcdef0123456789abcdef'];

/** 16 letters that are neither hex digits nor digits, so message grouping keeps them (no placeholder). */
const VARIANT_LETTERS = 'ghijklmnopqrstuv';
export const ENVIRONMENTS = ['production', 'production', 'production', 'staging-eu'];
export const RELEASES = ['2.0', '2.1', '2.2', '2.3', '3.0'];

// ---------------------------------------------------------------------------------------------------------
// Captures

export function capturesAvailable(): boolean {
  return existsSync(CAPTURES_DIR);
}

function loadCapture(folder: string, base: string): Capture {
  const dir = join(CAPTURES_DIR, folder);
  const lines = readFileSync(join(dir, `${base}.head.txt`), 'utf8').split('\n');
  const [method, path] = lines[0]!.split(' ') as [string, string];
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith('#')) break;
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return {
    name: `${folder}/${base}`,
    method,
    path,
    headers,
    body: readFileSync(join(dir, `${base}.body.bin`)),
  };
}

function findCapture(folder: string, prefix: string): Capture | null {
  const dir = join(CAPTURES_DIR, folder);
  if (!existsSync(dir)) return null;
  const head = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.head.txt'));
  return head ? loadCapture(folder, head.replace(/\.head\.txt$/, '')) : null;
}

interface MixEntry {
  folder: string;
  prefix: string;
  sdk: string;
  weight: number;
  kind: 'exception' | 'message';
}

/** The request mix: only requests that carry one error event, so events/s = 2xx responses/s. */
const MIX: MixEntry[] = [
  { folder: 'node', prefix: '002', sdk: 'node', weight: 25, kind: 'exception' },
  { folder: 'node', prefix: '003', sdk: 'node', weight: 8, kind: 'message' },
  { folder: 'node', prefix: '004', sdk: 'node', weight: 12, kind: 'exception' },
  { folder: 'node-uncaught', prefix: '002', sdk: 'node', weight: 5, kind: 'exception' },
  { folder: 'browser', prefix: '001', sdk: 'browser', weight: 20, kind: 'exception' },
  { folder: 'browser', prefix: '002', sdk: 'browser', weight: 5, kind: 'message' },
  { folder: 'python-django', prefix: '001', sdk: 'python', weight: 17, kind: 'exception' },
  { folder: 'python-django-tracing', prefix: '001', sdk: 'python', weight: 8, kind: 'exception' },
];

// ---------------------------------------------------------------------------------------------------------
// Templates

export interface TemplateOptions {
  host: string;
  port: number;
  projectId: string;
  publicKey: string;
  /** Epoch ms written into event timestamps (the SDK's clock). */
  now: number;
}

export function buildTemplates(opts: TemplateOptions): { templates: Template[]; source: string } {
  const fromFixtures = capturesAvailable();
  const templates: Template[] = [];
  for (const entry of MIX) {
    const capture = fromFixtures ? findCapture(entry.folder, entry.prefix) : null;
    const source = capture ?? syntheticCapture(entry);
    templates.push(templateFrom(source, entry, opts));
  }
  return {
    templates,
    source: fromFixtures ? `sdk-captures (${CAPTURES_DIR})` : 'built-in synthetic payloads',
  };
}

function swapKey(value: string, key: string): string {
  return CAPTURED_KEYS.reduce((v, k) => v.split(k).join(key), value);
}

function reorder(obj: Record<string, unknown>, first: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of first) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/** Puts the varying fields first (so the gzip split leaves them in the small stored member) and marks them. */
function markEvent(
  event: Record<string, unknown>,
  entry: MixEntry,
  appName: string,
  now: number,
): Record<string, unknown> {
  const e = { ...event };
  e.event_id = M_EVENT_ID;
  e.environment = M_ENV;
  e.release = `${appName}@${M_RELEASE}`;
  e.timestamp = typeof e.timestamp === 'number' ? now / 1000 : new Date(now).toISOString();
  if (entry.sdk !== 'node' || 'user' in e || entry.kind === 'exception') {
    const user = (e.user && typeof e.user === 'object' ? e.user : {}) as Record<string, unknown>;
    e.user = { id: M_USER, ...Object.fromEntries(Object.entries(user).filter(([k]) => k !== 'id')) };
  }
  const exception = e.exception as { values?: Array<Record<string, unknown>> } | undefined;
  const values = exception?.values ?? [];
  const main = values.length ? { ...values[values.length - 1]! } : null;
  if (entry.kind === 'message') {
    const text = typeof e.message === 'string' ? e.message : 'Something noteworthy happened';
    e.message = `${text} ${M_VARIANT}`;
    if (main && typeof main.value === 'string') main.value = `${main.value} ${M_VARIANT}`;
  } else if (main) {
    main.type = `${String(main.type ?? 'Error')}${M_VARIANT}`;
  }
  if (main && exception) {
    const reordered = reorder(main, ['type', 'value']);
    e.exception = { ...exception, values: [...values.slice(0, -1), reordered] };
  }
  return reorder(e, ['event_id', 'environment', 'release', 'user', 'message', 'exception']);
}

function appNameOf(event: Record<string, unknown>, fallback: string): string {
  const release = typeof event.release === 'string' ? event.release : '';
  const at = release.indexOf('@');
  return at > 0 ? release.slice(0, at) : fallback;
}

function templateFrom(capture: Capture, entry: MixEntry, opts: TemplateOptions): Template {
  const lower = new Map(capture.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const gzip = /gzip/i.test(lower.get('content-encoding') ?? '');
  const chunked = /chunked/i.test(lower.get('transfer-encoding') ?? '');
  const isStore = capture.path.includes('/store/');
  const decoded = gzip ? zlib.gunzipSync(capture.body) : capture.body;

  let text: string;
  let eventBytes: number;
  if (isStore) {
    const event = JSON.parse(decoded.toString('utf8')) as Record<string, unknown>;
    const marked = markEvent(event, entry, appNameOf(event, 'mysite'), opts.now);
    text = JSON.stringify(marked);
    eventBytes = Buffer.byteLength(text);
  } else {
    const lines = splitEnvelope(decoded);
    const header = JSON.parse(lines.header) as Record<string, unknown>;
    const event = JSON.parse(lines.eventPayload) as Record<string, unknown>;
    const appName = appNameOf(event, entry.sdk === 'browser' ? 'web' : 'myapp');
    const marked = markEvent(event, entry, appName, opts.now);
    header.event_id = M_EVENT_ID;
    header.sent_at = new Date(opts.now).toISOString();
    const trace = header.trace as Record<string, unknown> | undefined;
    if (trace) {
      trace.environment = M_ENV;
      trace.release = `${appName}@${M_RELEASE}`;
      trace.public_key = opts.publicKey;
    }
    const payload = JSON.stringify(marked);
    eventBytes = Buffer.byteLength(payload);
    const itemHeader: Record<string, unknown> = { ...lines.itemHeader };
    if ('length' in itemHeader) itemHeader.length = Buffer.byteLength(payload);
    text = `${JSON.stringify(header)}\n${JSON.stringify(itemHeader)}\n${payload}`;
  }

  let body: Buffer;
  let storedMember: { start: number; length: number; dataStart: number } | null = null;
  if (gzip) {
    // Split right after the last marker: the prefix goes into a stored member, the rest is compressed.
    const lastMarker = Math.max(
      ...[M_EVENT_ID, M_VARIANT, M_USER, M_ENV, M_RELEASE].map((m) => {
        const at = text.lastIndexOf(m);
        return at === -1 ? -1 : at + m.length;
      }),
    );
    const prefix = Buffer.from(text.slice(0, lastMarker));
    const rest = Buffer.from(text.slice(lastMarker));
    const member1 = zlib.gzipSync(prefix, { level: 0 });
    const member2 = zlib.gzipSync(rest, { level: 9 });
    const dataStart = member1.indexOf(prefix);
    if (dataStart === -1) throw new Error(`${capture.name}: stored gzip member layout not understood`);
    body = Buffer.concat([member1, member2]);
    storedMember = { start: 0, length: member1.length, dataStart };
  } else {
    body = Buffer.from(text);
  }

  // The request head: the captured headers, our host, key and project, and our own length framing.
  const path = swapKey(capture.path.replace(/^\/api\/\d+\//, `/api/${opts.projectId}/`), opts.publicKey);
  const headLines = [`${capture.method} ${path} HTTP/1.1`, `Host: ${opts.host}:${opts.port}`];
  for (const [name, value] of capture.headers) {
    const l = name.toLowerCase();
    if (['host', 'connection', 'transfer-encoding', 'content-length'].includes(l)) continue;
    headLines.push(`${name}: ${swapKey(value, opts.publicKey)}`);
  }
  headLines.push('Connection: keep-alive');
  headLines.push(chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`);
  const head = Buffer.from(`${headLines.join('\r\n')}\r\n\r\n`);
  const framingStart = chunked ? Buffer.from(`${body.length.toString(16)}\r\n`) : Buffer.alloc(0);
  const framingEnd = chunked ? Buffer.from('\r\n0\r\n\r\n') : Buffer.alloc(0);
  const wire = Buffer.concat([head, framingStart, body, framingEnd]);
  const bodyOffset = head.length + framingStart.length;

  const find = (marker: string): number[] => {
    const out: number[] = [];
    const needle = Buffer.from(marker);
    for (let at = wire.indexOf(needle, bodyOffset); at !== -1; at = wire.indexOf(needle, at + 1))
      out.push(at);
    return out;
  };
  const patches: PatchPoints = {
    eventId: find(M_EVENT_ID),
    variant: find(M_VARIANT),
    user: find(M_USER),
    environment: find(M_ENV),
    release: find(M_RELEASE),
  };
  if (patches.eventId.length === 0 || patches.variant.length === 0) {
    throw new Error(`${capture.name}: could not place the event id / variant markers`);
  }
  let stored: Template['stored'];
  if (storedMember) {
    const member1Start = bodyOffset + storedMember.start;
    const dataStart = member1Start + storedMember.dataStart;
    const crcOffset = member1Start + storedMember.length - 8;
    stored = { dataStart, dataEnd: crcOffset, crcOffset };
    // Everything we patch must sit inside the stored member.
    const all = Object.values(patches).flat() as number[];
    if (all.some((p) => p < dataStart || p >= crcOffset)) {
      throw new Error(`${capture.name}: a marker fell outside the stored gzip member`);
    }
  }
  return {
    name: capture.name,
    sdk: entry.sdk,
    weight: entry.weight,
    gzip,
    chunked,
    endpoint: isStore ? 'store' : 'envelope',
    wire,
    patches,
    stored,
    eventBytes,
  };
}

function splitEnvelope(body: Buffer): {
  header: string;
  itemHeader: Record<string, unknown>;
  eventPayload: string;
} {
  const lineEnd = (from: number): number => {
    const nl = body.indexOf(0x0a, from);
    return nl === -1 ? body.length : nl;
  };
  const headerEnd = lineEnd(0);
  const header = body.subarray(0, headerEnd).toString('utf8');
  let offset = headerEnd + 1;
  while (offset < body.length) {
    const itemHeaderEnd = lineEnd(offset);
    const itemHeader = JSON.parse(body.subarray(offset, itemHeaderEnd).toString('utf8')) as Record<
      string,
      unknown
    >;
    const payloadStart = itemHeaderEnd + 1;
    const payloadEnd =
      typeof itemHeader.length === 'number' ? payloadStart + itemHeader.length : lineEnd(payloadStart);
    if (itemHeader.type === 'event') {
      return { header, itemHeader, eventPayload: body.subarray(payloadStart, payloadEnd).toString('utf8') };
    }
    offset = payloadEnd + 1;
  }
  throw new Error('envelope has no event item');
}

// ---------------------------------------------------------------------------------------------------------
// Per-request variation

/** Picks templates by weight and writes a unique event id and the varying fields into a copy. */
export class RequestFactory {
  private readonly cumulative: number[];
  private readonly total: number;
  private seq = 0;
  private readonly idPrefix: string;
  private rng: () => number;
  /** Per template, how many requests were built. */
  readonly counts: number[];

  constructor(
    readonly templates: Template[],
    private readonly variation: { issues: number; users: number; seed?: number },
  ) {
    let sum = 0;
    this.cumulative = templates.map((t) => (sum += t.weight));
    this.total = sum;
    this.counts = templates.map(() => 0);
    this.rng = mulberry32(variation.seed ?? 0x5eed);
    // 12 random hex digits per run + a 20-digit counter: unique across runs and requests.
    this.idPrefix = Array.from({ length: 12 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  }

  get built(): number {
    return this.seq;
  }

  next(): Buffer {
    const r = this.rng() * this.total;
    let index = 0;
    while (this.cumulative[index]! <= r) index++;
    const t = this.templates[index]!;
    this.counts[index]!++;
    const buf = Buffer.allocUnsafe(t.wire.length);
    t.wire.copy(buf);

    const id = this.idPrefix + (this.seq++).toString(16).padStart(20, '0');
    for (const at of t.patches.eventId) buf.write(id, at, 'latin1');
    // Skewed: a few issues get most events (u^3), the long tail appears a few times each.
    const u = this.rng();
    const variant = Math.floor(this.variation.issues * u * u * u);
    const v = variantCode(variant);
    for (const at of t.patches.variant) buf.write(v, at, 'latin1');
    const user = `u${Math.floor(this.rng() * this.variation.users)
      .toString()
      .padStart(5, '0')}`;
    for (const at of t.patches.user) buf.write(user, at, 'latin1');
    const env = ENVIRONMENTS[Math.floor(this.rng() * ENVIRONMENTS.length)]!;
    for (const at of t.patches.environment) buf.write(env, at, 'latin1');
    const release = RELEASES[Math.floor(this.rng() * this.rng() * RELEASES.length)]!;
    for (const at of t.patches.release) buf.write(release, at, 'latin1');
    if (t.stored) {
      const crc = zlib.crc32(buf.subarray(t.stored.dataStart, t.stored.dataEnd));
      buf.writeUInt32LE(crc >>> 0, t.stored.crcOffset);
    }
    return buf;
  }
}

export function variantCode(n: number): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    out = VARIANT_LETTERS[n & 15]! + out;
    n >>>= 4;
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic captures (used only when ../shared/fixtures/sdk-captures is absent)

function nodeFrames(count: number, inAppFrom: number): Array<Record<string, unknown>> {
  const frames: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const inApp = i >= inAppFrom;
    frames.push({
      filename: inApp ? `/srv/myapp/src/service${i}.js` : `node:internal/modules/cjs/loader`,
      module: inApp ? `service${i}` : 'loader',
      function: inApp ? `handler${i}` : 'Module._load',
      lineno: 10 + i * 7,
      colno: 5 + i,
      in_app: inApp,
      ...(inApp
        ? {
            pre_context: [
              `function handler${i}(req) {`,
              '  const input = parse(req.body);',
              '  if (!input) return null;',
              `  // step ${i} of the request pipeline`,
              '  const result = compute(input);',
            ],
            context_line: `  return next${i}(result, req.user);`,
            post_context: ['}', '', `module.exports = { handler${i} };`, '', ''],
          }
        : {}),
    });
  }
  return frames;
}

function breadcrumbs(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: 1795447900 + i,
    category: i % 3 === 0 ? 'http' : 'console',
    level: 'info',
    message: i % 3 === 0 ? undefined : `processing item ${i} of the batch`,
    data:
      i % 3 === 0 ? { method: 'GET', url: `http://api.internal/items/${i}`, status_code: 200 } : undefined,
  }));
}

const NODE_CONTEXTS = {
  app: { app_start_time: '2026-11-23T15:31:55.000Z', app_memory: 61000000 },
  os: { kernel_version: '6.1.0', name: 'Linux', version: '6.1.0' },
  device: {
    arch: 'x64',
    memory_size: 25000000000,
    free_memory: 23000000000,
    boot_time: '2026-11-20T08:00:00Z',
  },
  runtime: { name: 'node', version: 'v20.20.2' },
  trace: { trace_id: 'a94fa02d509b4031a9a686131f30ac3e', span_id: 'b8f95d8a03fadf51' },
  culture: { locale: 'en-US', timezone: 'UTC' },
  cloud_resource: {},
};
const NODE_MODULES = Object.fromEntries(
  ['express', 'pg', 'ioredis', 'lodash', 'axios', 'uuid', 'dotenv', 'winston', 'zod', 'jsonwebtoken'].map(
    (m, i) => [m, `${i + 1}.${i}.${i * 2}`],
  ),
);

function envelopeCapture(
  name: string,
  sdk: string,
  event: Record<string, unknown>,
  headers: Array<[string, string]>,
): Capture {
  const header = {
    event_id: '0'.repeat(32),
    sent_at: '2026-11-23T15:31:58.677Z',
    sdk: { name: `sentry.javascript.${sdk}`, version: '11.12.0' },
    trace: { environment: 'development', release: String(event.release), public_key: 'publickey' },
  };
  const body = `${JSON.stringify(header)}\n{"type":"event"}\n${JSON.stringify(event)}`;
  return {
    name: `synthetic/${name}`,
    method: 'POST',
    path: `/api/1/envelope/?sentry_version=7&sentry_key=publickey&sentry_client=sentry.javascript.${sdk}%2F11.12.0`,
    headers,
    body: Buffer.from(body),
  };
}

function syntheticCapture(entry: MixEntry): Capture {
  const base = {
    event_id: '0'.repeat(32),
    timestamp: 1795447918.677,
    level: entry.kind === 'message' ? 'warning' : 'error',
    environment: 'development',
    release: entry.sdk === 'browser' ? 'web@1.0.0' : 'myapp@1.2.3',
  };
  const nodeHeaders: Array<[string, string]> = [
    ['user-agent', 'sentry.javascript.node/11.12.0'],
    ['Transfer-Encoding', 'chunked'],
  ];
  const browserHeaders: Array<[string, string]> = [
    ['content-type', 'text/plain;charset=UTF-8'],
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36'],
  ];
  if (entry.sdk === 'node') {
    const exception =
      entry.kind === 'message'
        ? {
            values: [
              {
                value: 'Something noteworthy happened',
                stacktrace: { frames: nodeFrames(3, 1) },
                mechanism: { type: 'generic', handled: true, synthetic: true },
              },
            ],
          }
        : {
            values: [
              {
                type: entry.prefix === '004' ? 'Error' : 'TypeError',
                value: entry.prefix === '004' ? 'Checkout failed' : 'division by zero in divide()',
                stacktrace: { frames: nodeFrames(entry.folder === 'node-uncaught' ? 3 : 10, 4) },
                mechanism: { type: 'generic', handled: entry.folder !== 'node-uncaught' },
              },
            ],
          };
    const event: Record<string, unknown> = {
      ...base,
      exception,
      ...(entry.kind === 'message' ? { message: 'Something noteworthy happened' } : {}),
      platform: 'node',
      server_name: 'bench-host',
      sdk: {
        name: 'sentry.javascript.node',
        version: '11.12.0',
        integrations: ['Http', 'Express', 'Console'],
      },
      contexts: NODE_CONTEXTS,
      modules: NODE_MODULES,
      breadcrumbs: breadcrumbs(entry.folder === 'node-uncaught' ? 0 : 12),
      ...(entry.prefix === '004'
        ? {
            tags: { customer: 'acme', feature: 'checkout' },
            user: { id: '42', email: 'jane@example.com', username: 'jane', ip_address: '10.0.0.1' },
            fingerprint: ['{{ default }}', 'checkout'],
            extra: { debug_info: { a: [1, 2, 3] } },
          }
        : {}),
    };
    return envelopeCapture(`${entry.folder}-${entry.prefix}`, 'node', event, nodeHeaders);
  }
  if (entry.sdk === 'browser') {
    const frames = [
      {
        filename: 'https://app.example.com/assets/vendor.3f2a1b.js',
        function: 'r',
        in_app: true,
        lineno: 1,
        colno: 48213,
      },
      {
        filename: 'https://app.example.com/assets/main.9c8d7e.js',
        function: 'onSubmit',
        in_app: true,
        lineno: 1,
        colno: 1822,
      },
      {
        filename: 'https://app.example.com/assets/main.9c8d7e.js',
        function: 'parseResponse',
        in_app: true,
        lineno: 1,
        colno: 2211,
      },
    ];
    const event: Record<string, unknown> = {
      ...base,
      exception: {
        values: [
          entry.kind === 'message'
            ? {
                value: 'browser message',
                stacktrace: { frames },
                mechanism: { type: 'generic', handled: true, synthetic: true },
              }
            : {
                type: 'SyntaxError',
                value: "Expected property name or '}' in JSON at position 1",
                stacktrace: { frames },
                mechanism: { type: 'generic', handled: true },
              },
        ],
      },
      ...(entry.kind === 'message' ? { message: 'browser message' } : {}),
      platform: 'javascript',
      sdk: { name: 'sentry.javascript.browser', version: '11.12.0' },
      request: { url: 'https://app.example.com/checkout', headers: { 'User-Agent': browserHeaders[1]![1] } },
      contexts: { trace: { trace_id: '063717c6a5584db58c1be5338f8ce8e7', span_id: '8990d9b3b2e86a74' } },
    };
    return envelopeCapture(`browser-${entry.prefix}`, 'browser', event, browserHeaders);
  }
  // Python store request, gzip.
  const pyFrames = Array.from({ length: 8 }, (_, i) => ({
    filename: i < 5 ? `django/core/handlers/base${i}.py` : `mysite/views${i}.py`,
    abs_path:
      i < 5 ? `/usr/lib/python3/dist-packages/django/core/handlers/base${i}.py` : `/srv/mysite/views${i}.py`,
    function: i < 5 ? `_get_response${i}` : `view${i}`,
    module: i < 5 ? `django.core.handlers.base${i}` : `mysite.views${i}`,
    lineno: 40 + i,
    pre_context: [
      '    def inner(request):',
      '        try:',
      '            pass',
      '        except Exception:',
      '            raise',
    ],
    context_line: `        response = get_response(request)  # frame ${i}`,
    post_context: ['        return response', '', '    return inner', '', ''],
    vars: { request: '<WSGIRequest: GET /glitchtip-debug/>', exc: 'ZeroDivisionError()', i: String(i) },
    in_app: i >= 5,
  }));
  const event = {
    ...base,
    timestamp: '2026-11-23T15:33:31.834288Z',
    release: entry.folder === 'python-django-tracing' ? 'mysite@1.0' : undefined,
    exception: {
      values: [
        {
          module: null,
          type: 'ZeroDivisionError',
          value: 'division by zero',
          mechanism: { type: 'django', handled: false },
          stacktrace: { frames: pyFrames },
        },
      ],
    },
    breadcrumbs: { values: breadcrumbs(4) },
    transaction: '/glitchtip-debug/',
    contexts: {
      runtime: { name: 'CPython', version: '3.11.2' },
      trace: { trace_id: 'eb79196aba9d44eeb0b7aa61bb0e1115' },
    },
    modules: { django: '3.2.25', 'sentry-sdk': '1.9.10', pytz: '2022.7.1', sqlparse: '0.4.2' },
    extra: { 'sys.argv': ['manage.py', 'runserver', '127.0.0.1:8001', '--noreload'] },
    request: {
      url: 'http://127.0.0.1:8001/glitchtip-debug/',
      method: 'GET',
      headers: { Host: '127.0.0.1:8001', 'User-Agent': 'curl/7.88.1', Accept: '*/*' },
      env: { SERVER_NAME: 'localhost', SERVER_PORT: '8001' },
    },
    server_name: 'bench-host',
    sdk: {
      name: 'sentry.python.django',
      version: '1.9.10',
      packages: [{ name: 'pypi:sentry-sdk', version: '1.9.10' }],
    },
    platform: 'python',
  };
  return {
    name: `synthetic/${entry.folder}-${entry.prefix}`,
    method: 'POST',
    path: '/api/1/store/',
    headers: [
      ['Accept-Encoding', 'identity'],
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
      ['User-Agent', 'sentry.python/1.9.10'],
      [
        'X-Sentry-Auth',
        'Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7, sentry_client=sentry.python/1.9.10',
      ],
    ],
    body: zlib.gzipSync(JSON.stringify(event), { level: 9 }),
  };
}
