import * as zlib from 'node:zlib';

import { IngestError } from './errors';
import { parseJsonObject } from './json';
import { decodeStoreBody } from './store';

const NOT_DECODABLE = 'store body is neither JSON nor base64-encoded (zlib) JSON';
// `???` and `>>>` encode to `Pz8/` and `Pj4+`, so the base64 form uses both non-alphanumeric characters.
const EVENT = Buffer.from(
  '{"message":"???>>>","level":"error","event_id":"0123456789abcdef0123456789abcdef"}',
);

function rejection(run: () => unknown): IngestError {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

function base64(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('base64'));
}

describe('decodeStoreBody', () => {
  it('returns plain JSON untouched (same Buffer, no copy)', () => {
    expect(decodeStoreBody(EVENT)).toBe(EVENT);
  });

  it('recognises JSON after leading whitespace or a BOM', () => {
    const spaced = Buffer.concat([Buffer.from(' \r\n\t'), EVENT]);
    expect(decodeStoreBody(spaced)).toBe(spaced);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), EVENT]);
    expect(parseJsonObject(decodeStoreBody(withBom), 'store body')).toMatchObject({ level: 'error' });
  });

  it('decodes base64 JSON', () => {
    expect(decodeStoreBody(base64(EVENT)).equals(EVENT)).toBe(true);
  });

  it('decodes URL-safe base64 JSON', () => {
    const standard = EVENT.toString('base64');
    expect(standard).toMatch(/[+/]/);
    const urlSafe = Buffer.from(standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    expect(decodeStoreBody(urlSafe).equals(EVENT)).toBe(true);
  });

  it('tolerates whitespace and line wrapping in base64', () => {
    const wrapped = EVENT.toString('base64').replace(/(.{20})/g, '$1\r\n');
    expect(decodeStoreBody(Buffer.from(`  ${wrapped}\n`)).equals(EVENT)).toBe(true);
  });

  it('inflates base64(zlib(json)), the raven-era form', () => {
    expect(decodeStoreBody(base64(zlib.deflateSync(EVENT))).equals(EVENT)).toBe(true);
  });

  it('also inflates base64(gzip(json)) and base64(raw deflate(json))', () => {
    expect(decodeStoreBody(base64(zlib.gzipSync(EVENT))).equals(EVENT)).toBe(true);
    expect(decodeStoreBody(base64(zlib.deflateRawSync(EVENT))).equals(EVENT)).toBe(true);
  });

  it('answers 413 when the inflated body exceeds maxSize', () => {
    const big = Buffer.from(JSON.stringify({ extra: { blob: 'x'.repeat(100_000) } }));
    const encoded = base64(zlib.deflateSync(big));
    expect(decodeStoreBody(encoded, 200_000).equals(big)).toBe(true);
    const error = rejection(() => decodeStoreBody(encoded, 50_000));
    expect(error.status).toBe(413);
    expect(error.detail).toBe('store body exceeds 50000 bytes when inflated');
  });

  it('rejects bytes that are not base64', () => {
    for (const body of ['not json!', '[1,2,3]', 'aGVsbG8=*', '<xml/>']) {
      const error = rejection(() => decodeStoreBody(Buffer.from(body)));
      expect(error.status).toBe(400);
      expect(error.detail).toBe(NOT_DECODABLE);
    }
  });

  it('rejects base64 of something that is neither JSON nor compressed JSON', () => {
    for (const payload of [
      Buffer.from('hello world, not json'),
      zlib.deflateSync(Buffer.from('compressed but not json')),
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]),
      zlib.deflateSync(EVENT).subarray(0, 20),
    ]) {
      const error = rejection(() => decodeStoreBody(base64(payload)));
      expect(error.status).toBe(400);
      expect(error.detail).toBe(NOT_DECODABLE);
    }
  });

  it('rejects an empty or blank body', () => {
    expect(rejection(() => decodeStoreBody(Buffer.alloc(0))).status).toBe(400);
    expect(rejection(() => decodeStoreBody(Buffer.from(' \n '))).detail).toBe('empty request body');
    expect(rejection(() => decodeStoreBody(Buffer.from('===='))).detail).toBe(NOT_DECODABLE);
  });
});
