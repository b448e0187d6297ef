import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

import { type BodyLimits, parseContentEncoding, readBody, type RequestLike } from './body';
import { IngestError } from './errors';

const LIMITS: BodyLimits = { maxBodySize: 1024 * 1024, maxDecompressedSize: 10 * 1024 * 1024 };
const EVENT = Buffer.from(
  '{"message":"hello world","level":"error","extra":{"a":"' + 'x'.repeat(5000) + '"}}',
);
const zstdAvailable =
  typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

/** A request-like stream fed by the test; `end: false` leaves it open (a client still sending). */
function request(
  body: Buffer | Buffer[],
  headers: http.IncomingHttpHeaders = {},
  options: { chunkSize?: number; end?: boolean } = {},
): RequestLike {
  const stream = new Readable({ read() {} });
  const parts = Array.isArray(body) ? body : [body];
  for (const part of parts) {
    const size = options.chunkSize ?? part.length;
    if (size >= part.length) stream.push(part);
    else for (let i = 0; i < part.length; i += size) stream.push(part.subarray(i, i + size));
  }
  if (options.end !== false) stream.push(null);
  return Object.assign(stream, { headers });
}

async function rejectionOf(promise: Promise<unknown>): Promise<IngestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

describe('parseContentEncoding', () => {
  it('treats missing, empty, identity and UTF-8 as no coding', () => {
    for (const header of [undefined, '', '  ', 'identity', 'IDENTITY', 'utf-8', 'UTF-8', ' Utf-8 ']) {
      expect(parseContentEncoding(header)).toEqual([]);
    }
  });

  it('normalizes case, whitespace and x-gzip', () => {
    expect(parseContentEncoding(' GZip ')).toEqual(['gzip']);
    expect(parseContentEncoding('x-gzip')).toEqual(['gzip']);
    expect(parseContentEncoding('Deflate')).toEqual(['deflate']);
    expect(parseContentEncoding('BR')).toEqual(['br']);
  });

  it('returns a list in decoding order, i.e. reversed', () => {
    expect(parseContentEncoding('gzip, br')).toEqual(['br', 'gzip']);
    expect(parseContentEncoding('deflate,identity, gzip')).toEqual(['gzip', 'deflate']);
    expect(parseContentEncoding(['gzip', 'br'])).toEqual(['br', 'gzip']);
  });

  it('answers 415 for unknown codings', () => {
    expect(() => parseContentEncoding('xyz')).toThrow(
      new IngestError(415, "unsupported content encoding 'xyz'"),
    );
    try {
      parseContentEncoding('gzip, compress');
    } catch (error) {
      expect(error).toMatchObject({ status: 415, detail: "unsupported content encoding 'compress'" });
    }
    expect.assertions(2);
  });
});

describe('readBody', () => {
  describe('identity', () => {
    it('returns a single-chunk body as is (no copy)', async () => {
      const req = request(EVENT);
      const body = await readBody(req, LIMITS);
      expect(body).toBe(EVENT);
    });

    it('concatenates chunks', async () => {
      const body = await readBody(request(EVENT, {}, { chunkSize: 7 }), LIMITS);
      expect(body.equals(EVENT)).toBe(true);
    });

    it('ignores the Content-Type and accepts identity-like encodings', async () => {
      for (const headers of [
        { 'content-type': 'text/plain;charset=UTF-8' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        { 'content-encoding': '' },
        { 'content-encoding': 'UTF-8' },
        { 'content-encoding': 'identity', 'transfer-encoding': 'chunked' },
      ]) {
        expect((await readBody(request(EVENT, headers, { chunkSize: 1000 }), LIMITS)).equals(EVENT)).toBe(
          true,
        );
      }
    });

    it('rejects an empty body with 400', async () => {
      const error = await rejectionOf(readBody(request(Buffer.alloc(0)), LIMITS));
      expect(error).toMatchObject({ status: 400, detail: 'empty request body' });
    });

    it('accepts a body of exactly maxBodySize', async () => {
      const body = Buffer.alloc(1000, 0x61);
      const limits = { maxBodySize: 1000, maxDecompressedSize: 1000 };
      expect((await readBody(request(body, {}, { chunkSize: 64 }), limits)).length).toBe(1000);
    });
  });

  describe('size limits', () => {
    it('answers 413 from Content-Length alone, without waiting for the body', async () => {
      // The stream never ends: only an early decision can settle the promise.
      const req = request(Buffer.from('{"a":'), { 'content-length': '5000000' }, { end: false });
      const error = await rejectionOf(readBody(req, LIMITS));
      expect(error).toMatchObject({
        status: 413,
        detail: `request body exceeds ${LIMITS.maxBodySize} bytes`,
      });
      expect(req.readableFlowing).toBe(true); // switched to discarding what is left
    });

    it('answers 413 while streaming when there is no Content-Length, then drains the rest', async () => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const req = request(
        Array.from({ length: 40 }, () => chunk),
        { 'transfer-encoding': 'chunked' },
      );
      const ended = new Promise((resolve) => req.once('end', resolve));
      const error = await rejectionOf(readBody(req, LIMITS));
      expect(error).toMatchObject({
        status: 413,
        detail: `request body exceeds ${LIMITS.maxBodySize} bytes`,
      });
      await ended; // the remaining bytes were read and dropped, so a socket could carry the answer
    });

    it('answers 413 when the body is larger than its Content-Length claims', async () => {
      const req = request(Buffer.alloc(2000, 0x61), { 'content-length': '10' });
      const error = await rejectionOf(readBody(req, { maxBodySize: 1000, maxDecompressedSize: 5000 }));
      expect(error.status).toBe(413);
    });

    it('applies maxDecompressedSize to identity bodies too', async () => {
      const error = await rejectionOf(
        readBody(request(Buffer.alloc(2000, 0x61)), { maxBodySize: 10_000, maxDecompressedSize: 1000 }),
      );
      expect(error).toMatchObject({ status: 413, detail: 'decompressed request body exceeds 1000 bytes' });
    });

    it('answers 413 for compressed bytes over maxBodySize', async () => {
      const incompressible = zlib.gzipSync(randomBytes(50_000));
      const req = request(incompressible, { 'content-encoding': 'gzip' }, { chunkSize: 1024 });
      const error = await rejectionOf(readBody(req, { maxBodySize: 4096, maxDecompressedSize: 10_000_000 }));
      expect(error).toMatchObject({ status: 413, detail: 'request body exceeds 4096 bytes' });
    });
  });

  describe('decompression', () => {
    it('inflates gzip and x-gzip', async () => {
      for (const encoding of ['gzip', 'x-gzip', ' GZIP ']) {
        const req = request(zlib.gzipSync(EVENT), { 'content-encoding': encoding }, { chunkSize: 100 });
        expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
      }
    });

    it('inflates gzip fed one byte at a time', async () => {
      const req = request(zlib.gzipSync(EVENT), { 'content-encoding': 'gzip' }, { chunkSize: 1 });
      expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
    });

    it('inflates zlib-wrapped deflate', async () => {
      const compressed = zlib.deflateSync(EVENT);
      expect(compressed[0]).toBe(0x78); // zlib header
      for (const chunkSize of [1, 2, 3, 4096]) {
        const req = request(compressed, { 'content-encoding': 'deflate' }, { chunkSize });
        expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
      }
    });

    it('falls back to raw deflate when the zlib header is wrong', async () => {
      const compressed = zlib.deflateRawSync(EVENT);
      for (const chunkSize of [1, 4096]) {
        const req = request(compressed, { 'content-encoding': 'deflate' }, { chunkSize });
        expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
      }
    });

    it('inflates brotli', async () => {
      const req = request(zlib.brotliCompressSync(EVENT), { 'content-encoding': 'br' }, { chunkSize: 50 });
      expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
    });

    it('undoes a list of codings from the last one back', async () => {
      // `Content-Encoding: deflate, br` means deflate was applied first, then brotli.
      const body = zlib.brotliCompressSync(zlib.deflateSync(EVENT));
      const req = request(body, { 'content-encoding': 'deflate, br' }, { chunkSize: 10 });
      expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
    });

    (zstdAvailable ? it : it.skip)('inflates zstd on Node versions that have it', async () => {
      const compress = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync;
      const req = request(compress(EVENT), { 'content-encoding': 'zstd' });
      expect((await readBody(req, LIMITS)).equals(EVENT)).toBe(true);
    });

    (zstdAvailable ? it.skip : it)('answers 415 for zstd on Node versions without a decoder', async () => {
      const req = request(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]), { 'content-encoding': 'zstd' });
      const error = await rejectionOf(readBody(req, LIMITS));
      expect(error.status).toBe(415);
      expect(error.detail).toMatch(/^unsupported content encoding 'zstd': .*no zstd decoder/);
    });

    it('answers 415 for unknown codings', async () => {
      const error = await rejectionOf(readBody(request(EVENT, { 'content-encoding': 'xyz' }), LIMITS));
      expect(error).toMatchObject({ status: 415, detail: "unsupported content encoding 'xyz'" });
    });

    it('answers 400 for truncated gzip', async () => {
      const compressed = zlib.gzipSync(EVENT);
      const req = request(compressed.subarray(0, compressed.length - 10), { 'content-encoding': 'gzip' });
      const error = await rejectionOf(readBody(req, LIMITS));
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(/^failed to decode gzip body: \S/);
    });

    it('answers 400 for a body that is not gzip at all', async () => {
      const error = await rejectionOf(readBody(request(EVENT, { 'content-encoding': 'gzip' }), LIMITS));
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(/^failed to decode gzip body: /);
    });

    it('answers 400 for corrupt deflate and brotli', async () => {
      const garbage = Buffer.from('this is not compressed at all, not even a little bit');
      for (const encoding of ['deflate', 'br']) {
        const error = await rejectionOf(readBody(request(garbage, { 'content-encoding': encoding }), LIMITS));
        expect(error.status).toBe(400);
        expect(error.detail).toMatch(new RegExp(`^failed to decode ${encoding} body: `));
      }
    });

    it('answers 400 for a one-byte deflate body', async () => {
      const error = await rejectionOf(
        readBody(request(Buffer.from([0x78]), { 'content-encoding': 'deflate' }), LIMITS),
      );
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(/^failed to decode deflate body: /);
    });

    it('answers 400 when the body decompresses to nothing', async () => {
      const req = request(zlib.gzipSync(Buffer.alloc(0)), { 'content-encoding': 'gzip' });
      expect(await rejectionOf(readBody(req, LIMITS))).toMatchObject({
        status: 400,
        detail: 'empty request body',
      });
    });

    it('applies the decompressed limit to every step of a coding chain', async () => {
      // 3 MB of empty gzip members: the brotli step inflates to 3 MB, the gzip step to nothing. Only a
      // per-step count catches it (a final-output count would see 0 bytes and answer 'empty body').
      const emptyMember = zlib.gzipSync(Buffer.alloc(0));
      const members = Buffer.concat(
        Array.from({ length: (3 * 1024 * 1024) / emptyMember.length }, () => emptyMember),
      );
      const body = zlib.brotliCompressSync(members, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
      expect(body.length).toBeLessThan(64 * 1024);
      const req = request(body, { 'content-encoding': 'gzip, br' });
      const error = await rejectionOf(
        readBody(req, { maxBodySize: 1024 * 1024, maxDecompressedSize: 1024 * 1024 }),
      );
      expect(error).toMatchObject({ status: 413, detail: 'decompressed request body exceeds 1048576 bytes' });
    });
  });

  describe('decompression bombs', () => {
    const bombSize = 50 * 1024 * 1024;
    const limit = 1024 * 1024;
    let bomb: Buffer;

    beforeAll(() => {
      bomb = zlib.gzipSync(Buffer.alloc(bombSize), { level: 9 });
    });

    it('cuts a gzip bomb off at the limit and destroys the decoder', async () => {
      expect(bomb.length).toBeLessThan(100 * 1024);
      // Count every byte any Gunzip produces, to prove the bomb was not inflated in full.
      let produced = 0;
      const decoders: zlib.Gunzip[] = [];
      const originalPush = Object.prototype.hasOwnProperty.call(zlib.Gunzip.prototype, 'push')
        ? zlib.Gunzip.prototype.push
        : undefined;
      zlib.Gunzip.prototype.push = function (this: zlib.Gunzip, chunk: unknown, encoding?: BufferEncoding) {
        if (!decoders.includes(this)) decoders.push(this);
        if (Buffer.isBuffer(chunk)) produced += chunk.length;
        return Readable.prototype.push.call(this, chunk, encoding);
      };
      try {
        const req = request(bomb, { 'content-encoding': 'gzip' }, { chunkSize: 16 * 1024 });
        const error = await rejectionOf(
          readBody(req, { maxBodySize: 10 * 1024 * 1024, maxDecompressedSize: limit }),
        );
        expect(error).toMatchObject({
          status: 413,
          detail: `decompressed request body exceeds ${limit} bytes`,
        });

        expect(decoders).toHaveLength(1);
        const [decoder] = decoders;
        expect(decoder.destroyed).toBe(true);
        // Let any work the decoder still had in flight finish (a decoder left running would keep going).
        const closed = new Promise((resolve) =>
          decoder.closed ? resolve(null) : decoder.once('close', resolve),
        );
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(produced).toBeGreaterThan(limit);
        expect(produced).toBeLessThan(2 * limit);
      } finally {
        if (originalPush) zlib.Gunzip.prototype.push = originalPush;
        else delete (zlib.Gunzip.prototype as { push?: unknown }).push;
      }
    });

    it('cuts off a brotli bomb too', async () => {
      const brotliBomb = zlib.brotliCompressSync(Buffer.alloc(bombSize), {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 },
      });
      expect(brotliBomb.length).toBeLessThan(100 * 1024);
      const req = request(brotliBomb, { 'content-encoding': 'br' });
      const error = await rejectionOf(readBody(req, { maxBodySize: limit, maxDecompressedSize: limit }));
      expect(error.status).toBe(413);
    });
  });

  describe('broken streams', () => {
    it('answers 400 when the client aborts mid-body', async () => {
      const req = request(EVENT.subarray(0, 100), {}, { end: false });
      const promise = readBody(req, LIMITS);
      setImmediate(() => req.destroy());
      const error = await rejectionOf(promise);
      expect(error).toMatchObject({ status: 400, detail: 'request body aborted by the client' });
    });

    it('answers 400 when the stream errors, also while decompressing', async () => {
      for (const headers of [{}, { 'content-encoding': 'gzip' }]) {
        const req = request(zlib.gzipSync(EVENT).subarray(0, 20), headers, { end: false });
        const promise = readBody(req, LIMITS);
        setImmediate(() => req.destroy(new Error('socket hang up')));
        const error = await rejectionOf(promise);
        expect(error).toMatchObject({ status: 400, detail: 'failed to read request body: socket hang up' });
      }
    });

    it('keeps an error listener after settling, so late errors cannot crash the process', async () => {
      const req = request(EVENT);
      await readBody(req, LIMITS);
      expect(() => req.emit('error', new Error('late'))).not.toThrow();

      const rejected = request(EVENT, { 'content-encoding': 'xyz' });
      await rejectionOf(readBody(rejected, LIMITS));
      expect(() => rejected.emit('error', new Error('late'))).not.toThrow();
    });

    it('answers 400 instead of hanging when the body was already consumed', async () => {
      const req = request(EVENT);
      req.resume();
      await new Promise((resolve) => req.once('end', resolve));
      expect(await rejectionOf(readBody(req, LIMITS))).toMatchObject({ status: 400 });
    });
  });

  describe('over real HTTP', () => {
    let server: http.Server;
    let port: number;
    let outcomes: Array<Promise<Buffer | IngestError>>;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const outcome = readBody(req, { maxBodySize: 64 * 1024, maxDecompressedSize: 256 * 1024 }).then(
          (body) => {
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ size: body.length }));
            return body;
          },
          (error: IngestError) => {
            res.writeHead(error.status, { 'content-type': 'application/json', connection: 'close' });
            res.end(JSON.stringify({ detail: error.detail }));
            return error;
          },
        );
        outcomes.push(outcome);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    beforeEach(() => {
      outcomes = [];
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    function send(
      headers: http.OutgoingHttpHeaders,
      write: (req: http.ClientRequest) => void,
    ): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/1/envelope/',
          headers,
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        write(req);
      });
    }

    it('reads a chunked gzip body like the Node SDK sends', async () => {
      const compressed = zlib.gzipSync(EVENT);
      const response = await send({ 'content-encoding': 'gzip' }, (req) => {
        req.write(compressed.subarray(0, 10));
        setTimeout(() => req.end(compressed.subarray(10)), 10);
      });
      expect(response).toEqual({ status: 200, body: JSON.stringify({ size: EVENT.length }) });
    });

    it('answers 413 before the client has sent its declared body', async () => {
      let clientRequest: http.ClientRequest | undefined;
      const response = await send({ 'content-length': String(10 * 1024 * 1024) }, (req) => {
        clientRequest = req;
        req.write(Buffer.alloc(1024)); // and then nothing: the answer must not wait for the rest
      });
      clientRequest?.destroy();
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toEqual({ detail: 'request body exceeds 65536 bytes' });
    });

    it('rejects with 400 when the client disconnects mid-body', async () => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': '5000' },
      });
      req.on('error', () => undefined);
      req.write(Buffer.alloc(100));
      while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      req.destroy();
      const outcome = await outcomes[0];
      expect(outcome).toBeInstanceOf(IngestError);
      expect((outcome as IngestError).status).toBe(400);
    });
  });
});
