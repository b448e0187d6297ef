/**
 * Runs the raw requests real Sentry SDKs sent (shared/fixtures/sdk-captures, see its README) through the
 * ingest protocol layer exactly as the server would: headers + body bytes -> readBody -> parseEnvelope,
 * or decodeStoreBody + parseJsonObject for the legacy store endpoint. The fixtures live outside the repo
 * and are read in place; without them these tests are skipped.
 */
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import { Readable } from 'node:stream';

import { extractSentryKey, normalizePublicKey } from './auth';
import { readBody, type RequestLike } from './body';
import { type Envelope, parseEnvelope } from './envelope';
import { parseJsonObject } from './json';
import { decodeStoreBody } from './store';

const CAPTURES_DIR = path.resolve(__dirname, '../../../../../shared/fixtures/sdk-captures');
const describeWithCaptures = fs.existsSync(CAPTURES_DIR) ? describe : describe.skip;

const LIMITS = { maxBodySize: 20 * 1024 * 1024, maxDecompressedSize: 200 * 1024 * 1024 };
const PYTHON_KEY = '0123456789abcdef0123456789abcdef';

/** Item types per capture; `store` marks a `/store/` request (one bare event JSON). */
const EXPECTED: Record<string, Record<string, string[] | 'store'>> = {
  node: {
    '001': ['session'],
    '002': ['event'],
    '003': ['event'],
    '004': ['event'],
    '005': ['span'],
    '006': ['session'],
    '007': ['session'],
    '008': ['session'],
    '009': ['feedback'],
    '010': ['event'],
    '011': ['log'],
    '012': ['check_in'],
    '013': ['check_in'],
    '014': ['event', 'attachment'],
    '015': ['event'],
    '016': ['trace_metric'],
    '017': ['event'],
  },
  browser: {
    '001': ['event'],
    '002': ['event'],
    '003': ['feedback'],
    '004': ['session'],
    '005': ['session'],
  },
  'node-static-transaction': { '001': ['transaction'] },
  'node-uncaught': { '001': ['session'], '002': ['event'] },
  'python-django': { '001': 'store' },
  'python-django-tracing': {
    '001': 'store',
    '002': ['transaction'],
    '003': 'store',
    '004': ['transaction'],
    '005': 'store',
    '006': ['transaction'],
    '007': 'store',
    '008': ['transaction'],
    '009': ['sessions'],
  },
};

// Item types whose payload is a single JSON object (everything the captures hold except attachments).
const JSON_ITEM_TYPES = new Set([
  'event',
  'transaction',
  'feedback',
  'session',
  'sessions',
  'check_in',
  'span',
  'log',
  'trace_metric',
]);

interface Capture {
  name: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  decoded: Buffer | null;
}

function loadCapture(folder: string, base: string): Capture {
  const dir = path.join(CAPTURES_DIR, folder);
  const lines = fs.readFileSync(path.join(dir, `${base}.head.txt`), 'utf8').split('\n');
  const [, target] = lines[0].split(' ');
  const headers: IncomingHttpHeaders = {};
  for (const line of lines.slice(1)) {
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Node joins repeated headers with ", "; none of the captures repeats one.
    headers[name] = headers[name] === undefined ? value : `${headers[name] as string}, ${value}`;
  }
  const decodedPath = path.join(dir, `${base}.body.decoded`);
  return {
    name: `${folder}/${base}`,
    url: new URL(target, 'http://localhost'),
    headers,
    body: fs.readFileSync(path.join(dir, `${base}.body.bin`)),
    decoded: fs.existsSync(decodedPath) ? fs.readFileSync(decodedPath) : null,
  };
}

function captureBases(folder: string): string[] {
  return fs
    .readdirSync(path.join(CAPTURES_DIR, folder))
    .filter((file) => file.endsWith('.head.txt'))
    .map((file) => file.slice(0, -'.head.txt'.length))
    .sort();
}

/** The body as a chunked request stream, split like a socket would (1 KiB pieces). */
function requestFor(capture: Capture): RequestLike {
  const stream = new Readable({ read() {} });
  for (let i = 0; i < capture.body.length; i += 1024) stream.push(capture.body.subarray(i, i + 1024));
  stream.push(null);
  return Object.assign(stream, { headers: capture.headers });
}

async function ingestEnvelope(capture: Capture): Promise<Envelope> {
  return parseEnvelope(await readBody(requestFor(capture), LIMITS));
}

describeWithCaptures('SDK captures through the protocol layer', () => {
  for (const [folder, expected] of Object.entries(EXPECTED)) {
    describe(folder, () => {
      it('has exactly the captures this test knows about', () => {
        const numbers = captureBases(folder).map((base) => base.slice(0, 3));
        expect(numbers).toEqual(Object.keys(expected).sort());
      });

      for (const [number, itemTypes] of Object.entries(expected)) {
        it(`${number}: ${itemTypes === 'store' ? 'store event' : itemTypes.join(' + ')}`, async () => {
          const base = captureBases(folder).find((name) => name.startsWith(`${number}-`));
          expect(base).toBeDefined();
          const capture = loadCapture(folder, base!);

          const key = extractSentryKey(capture.url.searchParams, capture.headers);
          expect(key).toBe(folder.startsWith('python') ? PYTHON_KEY : 'publickey');

          const body = await readBody(requestFor(capture), LIMITS);
          if (capture.decoded) expect(body.equals(capture.decoded)).toBe(true);

          if (itemTypes === 'store') {
            expect(capture.url.pathname).toBe('/api/1/store/');
            const event = parseJsonObject(decodeStoreBody(body), 'store body');
            expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
            expect(event.platform).toBe('python');
            expect(event.exception ?? event.message).toBeDefined();
            return;
          }

          expect(capture.url.pathname).toBe('/api/1/envelope/');
          const envelope = parseEnvelope(body);
          expect(envelope.items.map((item) => item.header.type)).toEqual(itemTypes);
          for (const item of envelope.items) {
            if (item.header.length !== undefined) expect(item.payload.length).toBe(item.header.length);
            if (!JSON_ITEM_TYPES.has(item.header.type)) continue;
            const payload = parseJsonObject(item.payload, `${item.header.type} payload`);
            if (item.header.type === 'event') {
              expect(payload.exception ?? payload.message).toBeDefined();
              // The envelope header's event_id is the one that counts; where the payload repeats it, they agree.
              if (payload.event_id !== undefined) expect(payload.event_id).toBe(envelope.header.event_id);
            }
          }
        });
      }
    });
  }

  describe('facts worth pinning', () => {
    it('node 014: the attachment is length-delimited raw bytes at the very end, no final newline', async () => {
      const capture = loadCapture(
        'node',
        captureBases('node').find((base) => base.startsWith('014-'))!,
      );
      const { items } = await ingestEnvelope(capture);
      const attachment = items[1];
      expect(attachment.header).toEqual({
        type: 'attachment',
        length: 16,
        filename: 'notes.txt',
        content_type: 'text/plain',
      });
      expect(attachment.payload.toString()).toBe('hello attachment');
      expect(capture.body[capture.body.length - 1]).not.toBe(0x0a);
      expect(items[0].header).toEqual({ type: 'event' }); // JSON items carry no length
    });

    it('node 015: a chunked gzip event of 3,366 bytes inflates to 210,400', async () => {
      const capture = loadCapture(
        'node',
        captureBases('node').find((base) => base.startsWith('015-'))!,
      );
      expect(capture.headers['content-encoding']).toBe('gzip');
      expect(capture.headers['transfer-encoding']).toBe('chunked');
      expect(capture.headers['content-length']).toBeUndefined();
      expect(capture.body.length).toBe(3366);
      const body = await readBody(requestFor(capture), LIMITS);
      expect(body.length).toBe(210_400);
      const { items } = parseEnvelope(body);
      const event = parseJsonObject(items[0].payload, 'event');
      expect(JSON.stringify(event.extra).length).toBeGreaterThan(200_000);
    });

    it('node 015 is cut off with 413 when the decompressed limit is below its size', async () => {
      const capture = loadCapture(
        'node',
        captureBases('node').find((base) => base.startsWith('015-'))!,
      );
      await expect(
        readBody(requestFor(capture), { maxBodySize: 1024 * 1024, maxDecompressedSize: 100_000 }),
      ).rejects.toMatchObject({ status: 413 });
    });

    it('python-django-tracing 009: a sessions envelope with an empty `{}` header and a trailing newline', async () => {
      const folder = 'python-django-tracing';
      const capture = loadCapture(
        folder,
        captureBases(folder).find((base) => base.startsWith('009-'))!,
      );
      const envelope = await ingestEnvelope(capture);
      expect(envelope.header).toEqual({});
      expect(envelope.items[0].header).toEqual({
        type: 'sessions',
        content_type: 'application/json',
        length: 142,
      });
    });

    it('the JS SDK key `publickey` is accepted by the SDK but is not a 32-hex key', () => {
      // The node/browser captures use DSN `http://publickey@127.0.0.1:8010/1`: a server that issues
      // 32-hex keys will (rightly) not find it; the Python captures use a real-looking key.
      expect(normalizePublicKey('publickey')).toBeNull();
      expect(normalizePublicKey(PYTHON_KEY)).toBe(PYTHON_KEY);
    });

    it('every browser capture is text/plain with a Content-Length; node sends neither', () => {
      for (const base of captureBases('browser')) {
        const { headers, body } = loadCapture('browser', base);
        expect(headers['content-type']).toBe('text/plain;charset=UTF-8');
        expect(Number(headers['content-length'])).toBe(body.length);
      }
      for (const base of captureBases('node')) {
        const { headers } = loadCapture('node', base);
        expect(headers['content-type']).toBeUndefined();
        expect(headers['content-length']).toBeUndefined();
      }
    });
  });
});
