import { constants as bufferConstants } from 'node:buffer';
import * as zlib from 'node:zlib';

import { IngestError } from './errors';

const OPEN_BRACE = 0x7b;
const NOT_DECODABLE = 'store body is neither JSON nor base64-encoded (zlib) JSON';

// Standard and URL-safe base64 alphabets, padding, and the whitespace line-wrapped encoders insert.
const BASE64_BYTES = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \t\r\n') {
  BASE64_BYTES[c.charCodeAt(0)] = 1;
}

type Inflate = (input: Buffer, options: zlib.ZlibOptions) => Buffer;
// Relay uses a zlib decoder; the old docs say gzip; some raven ports sent raw deflate. Try all three.
const INFLATERS: Inflate[] = [zlib.inflateSync, zlib.gunzipSync, zlib.inflateRawSync];

/**
 * Turns a legacy `/store/` body (after Content-Encoding has been undone) into event JSON bytes, following
 * Relay's `decode_bytes`: JSON as is when the first non-whitespace byte is `{`; otherwise base64 (standard
 * or URL-safe, whitespace allowed), which is JSON itself or zlib/gzip/raw-deflate compressed JSON
 * (raven-era clients sent `base64(zlib(json))`). `maxSize` caps the inflated size (413 above it).
 *
 * The returned bytes are only known to start like a JSON object; parse them with `parseJsonObject`.
 */
export function decodeStoreBody(body: Buffer, maxSize?: number): Buffer {
  const start = firstNonWhitespace(body, hasBom(body) ? 3 : 0);
  if (start === -1) throw new IngestError(400, 'empty request body');
  if (body[start] === OPEN_BRACE) return body;

  for (let i = start; i < body.length; i++) {
    if (BASE64_BYTES[body[i]] === 0) throw new IngestError(400, NOT_DECODABLE);
  }
  // Node's base64 decoder accepts both alphabets and skips whitespace.
  const decoded = Buffer.from(body.toString('latin1', start), 'base64');
  const decodedStart = firstNonWhitespace(decoded, 0);
  if (decodedStart === -1) throw new IngestError(400, NOT_DECODABLE);
  if (decoded[decodedStart] === OPEN_BRACE) return decoded;

  const maxOutputLength = maxSize ?? bufferConstants.MAX_LENGTH;
  for (const inflate of INFLATERS) {
    let inflated: Buffer;
    try {
      inflated = inflate(decoded, { maxOutputLength });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new IngestError(413, `store body exceeds ${maxOutputLength} bytes when inflated`);
      }
      continue;
    }
    const inflatedStart = firstNonWhitespace(inflated, 0);
    if (inflatedStart !== -1 && inflated[inflatedStart] === OPEN_BRACE) return inflated;
  }
  throw new IngestError(400, NOT_DECODABLE);
}

/** Index of the first byte that is not JSON whitespace, or -1. */
function firstNonWhitespace(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
