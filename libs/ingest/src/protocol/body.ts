import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';

import { IngestError } from './errors';

export interface BodyLimits {
  /** Bytes accepted on the wire (before Content-Encoding is undone). */
  maxBodySize: number;
  /** Bytes accepted after decompression; also applies to each step of a multi-coding chain. */
  maxDecompressedSize: number;
}

export type RequestLike = Readable & { headers: IncomingHttpHeaders };

/** A Content-Encoding we know how to undo. `gzip` covers `x-gzip`. */
export type ContentCoding = 'gzip' | 'deflate' | 'br' | 'zstd';

// Values that mean "not encoded": sentry-ruby sends an empty header, old sentry-java-android sends UTF-8.
const IDENTITY_CODINGS = new Set(['', 'identity', 'utf-8']);

/**
 * Parses a Content-Encoding header into the decoders to apply, in application order (the header lists
 * codings in the order they were applied, so we undo them from the last one). Throws 415 for codings
 * we cannot decode.
 */
export function parseContentEncoding(header: string | string[] | undefined): ContentCoding[] {
  if (header === undefined) return [];
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.indexOf(',') === -1) {
    const single = toCoding(raw);
    return single ? [single] : [];
  }
  const codings: ContentCoding[] = [];
  for (const token of raw.split(',')) {
    const coding = toCoding(token);
    if (coding) codings.push(coding);
  }
  return codings.reverse();
}

function toCoding(token: string): ContentCoding | null {
  const name = token.trim().toLowerCase();
  if (IDENTITY_CODINGS.has(name)) return null;
  switch (name) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    case 'zstd':
      if (!zstdDecompressFactory()) {
        throw new IngestError(
          415,
          `unsupported content encoding 'zstd': this Node.js ${process.version} has no zstd decoder`,
        );
      }
      return 'zstd';
    default:
      throw new IngestError(415, `unsupported content encoding '${token.trim()}'`);
  }
}

/** `zlib.createZstdDecompress` only exists from Node 22.15 / 23.8 on; @types/node 20 does not know it. */
function zstdDecompressFactory(): (() => Transform) | undefined {
  return (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
}

/**
 * Reads a whole ingest request body and undoes its Content-Encoding, whatever the Content-Type (Node SDKs
 * send none, browsers `text/plain`) and whether it is chunked or has a Content-Length.
 *
 * Limits are enforced while streaming: wire bytes against `maxBodySize`, decoded bytes against
 * `maxDecompressedSize`, so a decompression bomb is cut off (its decoder destroyed) as soon as it crosses
 * the limit instead of being inflated in full.
 *
 * On any rejection the request is switched to discard mode (`req.resume()` with our listeners removed):
 * the remaining bytes are read and dropped, so the socket stays usable and the caller can answer the
 * 413/415/400 right away. The request itself is never destroyed here, because that would also kill the
 * socket the answer has to go out on; a caller that does not want to read the rest of an abusive upload
 * can answer with `Connection: close`.
 *
 * Rejects with `IngestError`: 413 (too large), 415 (unknown coding), 400 (empty, undecodable, aborted).
 */
export function readBody(req: RequestLike, limits: BodyLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    let decoder: DecoderChain | null = null;
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;

    const fail = (error: IngestError): void => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.resume();
      reject(error);
    };
    // Stays attached for the request's whole life: an unhandled 'error' event would crash the server.
    req.on('error', (error: Error) =>
      fail(new IngestError(400, `failed to read request body: ${error.message}`)),
    );

    if (req.readableEnded || req.destroyed) {
      // A body parser consumed the stream first, or it is gone; waiting for 'end' would hang forever.
      fail(new IngestError(400, 'request body was already consumed or aborted'));
      return;
    }

    let codings: ContentCoding[];
    try {
      codings = parseContentEncoding(req.headers['content-encoding']);
    } catch (error) {
      fail(error as IngestError);
      return;
    }

    // An identity body decodes to exactly itself, so one counter enforces both limits.
    const wireLimit =
      codings.length === 0 ? Math.min(limits.maxBodySize, limits.maxDecompressedSize) : limits.maxBodySize;
    const overWireLimit = (): IngestError =>
      wireLimit < limits.maxBodySize ? tooLargeDecoded(wireLimit) : tooLarge(wireLimit);

    if (Number(req.headers['content-length']) > wireLimit) {
      fail(overWireLimit());
      return;
    }

    if (codings.length > 0) {
      decoder = new DecoderChain(codings, limits.maxDecompressedSize, req, {
        onData: (chunk) => {
          chunks.push(chunk);
          decodedBytes += chunk.length;
        },
        onEnd: () => finish(decodedBytes),
        onError: fail,
      });
    }

    function onData(chunk: Buffer): void {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > wireLimit) fail(overWireLimit());
      else if (decoder) decoder.write(chunk);
      else chunks.push(chunk);
    }

    function onEnd(): void {
      if (settled) return;
      if (wireBytes === 0) fail(new IngestError(400, 'empty request body'));
      else if (decoder) decoder.end();
      else finish(wireBytes);
    }

    function onClose(): void {
      // 'close' without 'end' first: the client went away mid-body.
      if (!req.readableEnded) fail(new IngestError(400, 'request body aborted by the client'));
    }

    function finish(total: number): void {
      if (settled) return;
      if (total === 0) {
        fail(new IngestError(400, 'empty request body'));
        return;
      }
      settled = true;
      req.off('close', onClose);
      // Small uncompressed bodies usually arrive as one chunk: hand it over without copying.
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    }

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.resume();
  });
}

function tooLarge(limit: number): IngestError {
  return new IngestError(413, `request body exceeds ${limit} bytes`);
}

function tooLargeDecoded(limit: number): IngestError {
  return new IngestError(413, `decompressed request body exceeds ${limit} bytes`);
}

interface DecoderSink {
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(error: IngestError): void;
}

interface DecoderStage {
  coding: ContentCoding;
  /** Null only for `deflate` until its first two bytes tell zlib-wrapped from raw. */
  stream: Transform | null;
  pending: Buffer | null;
  produced: number;
}

/**
 * Feeds wire bytes through one zlib stream per coding. Backpressure goes upstream (the request, or the
 * previous stage, is paused while a decoder's input buffer is full), and every stage's output is counted
 * against the decompressed limit, so memory stays bounded by the limits whatever the input.
 */
class DecoderChain {
  private readonly stages: DecoderStage[];
  private destroyed = false;

  constructor(
    codings: ContentCoding[],
    private readonly maxDecoded: number,
    private readonly source: Readable,
    private readonly sink: DecoderSink,
  ) {
    this.stages = codings.map((coding) => ({ coding, stream: null, pending: null, produced: 0 }));
    this.stages.forEach((stage, index) => {
      if (stage.coding !== 'deflate') this.attach(index, createDecoder(stage.coding));
    });
  }

  write(chunk: Buffer): void {
    this.writeStage(0, chunk, this.source);
  }

  end(): void {
    this.endStage(0);
  }

  destroy(): void {
    this.destroyed = true;
    for (const stage of this.stages) stage.stream?.destroy();
  }

  private writeStage(index: number, chunk: Buffer, upstream: Readable): void {
    const stage = this.stages[index];
    if (!stage.stream) {
      stage.pending = stage.pending ? Buffer.concat([stage.pending, chunk]) : chunk;
      if (stage.pending.length < 2) return;
      chunk = stage.pending;
      stage.pending = null;
      // Relay expects zlib-wrapped deflate, Bugsink raw; GlitchTip tries zlib then raw. The zlib header is
      // self-checking (method 8, window <= 32K, 16-bit value divisible by 31), so two bytes decide.
      this.attach(index, looksLikeZlibHeader(chunk) ? zlib.createInflate() : zlib.createInflateRaw());
    }
    const stream = stage.stream!;
    if (!stream.write(chunk)) {
      upstream.pause();
      stream.once('drain', () => {
        if (!this.destroyed) upstream.resume();
      });
    }
  }

  private endStage(index: number): void {
    const stage = this.stages[index];
    if (!stage.stream) {
      // Fewer than two bytes of deflate: let zlib report the truncation.
      this.attach(index, zlib.createInflate());
      if (stage.pending) stage.stream!.write(stage.pending);
      stage.pending = null;
    }
    stage.stream!.end();
  }

  private attach(index: number, stream: Transform): void {
    const stage = this.stages[index];
    stage.stream = stream;
    const isLast = index === this.stages.length - 1;
    stream.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      stage.produced += chunk.length;
      if (stage.produced > this.maxDecoded) {
        this.sink.onError(tooLargeDecoded(this.maxDecoded));
        return;
      }
      if (isLast) this.sink.onData(chunk);
      else this.writeStage(index + 1, chunk, stream);
    });
    stream.on('end', () => {
      if (this.destroyed) return;
      if (isLast) this.sink.onEnd();
      else this.endStage(index + 1);
    });
    stream.on('error', (error: Error) => {
      if (this.destroyed) return;
      this.sink.onError(new IngestError(400, `failed to decode ${stage.coding} body: ${error.message}`));
    });
  }
}

function createDecoder(coding: ContentCoding): Transform {
  switch (coding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate(); // not reached: deflate waits for its header, see writeStage
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return zstdDecompressFactory()!();
  }
}

function looksLikeZlibHeader(bytes: Buffer): boolean {
  const cmf = bytes[0];
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | bytes[1]) % 31 === 0;
}
