import { Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { applySecurityHeaders } from '../http/security-headers';

/** Longest text taken from an error into a response header: SDKs log it, nobody needs more. */
const MAX_HEADER_TEXT = 200;
const NOT_HEADER_SAFE = /[^\x20-\x7e]/g;

/**
 * Text that may go into a response header: printable ASCII only, with anything else (control bytes, invalid UTF-8
 * turned into U+FFFD, any non-ASCII character) written as `\uXXXX`, and cut to a bounded length. Node refuses a
 * header with such characters by throwing, so client bytes quoted in an error text must pass through here.
 */
export function headerSafeText(text: string, maxLength = MAX_HEADER_TEXT): string {
  const safe = text.replace(NOT_HEADER_SAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (safe.length <= maxLength) return safe;
  // Cut without leaving half an escape behind.
  return `${safe.slice(0, maxLength - 3).replace(/\\(?:u[0-9a-f]{0,3})?$/, '')}...`;
}

/** A JSON answer on the raw node:http routes (ingest, crash-report dialog); nothing if one was sent already. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

const lastResortLogger = new Logger('Http');
const LAST_RESORT_BODY = '{"detail":"Internal error"}';

/**
 * The answer when answering itself failed: a bare 500 if nothing was sent yet, otherwise the socket is dropped
 * (a half-sent answer cannot be mended). Never throws: an error here must not reach the process.
 */
export function answerLastResort(res: ServerResponse, error: unknown): void {
  try {
    lastResortLogger.error(`request failed while answering: ${(error as Error)?.stack ?? String(error)}`);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // Headers set before the failure (possibly the very one that failed) must not go out; the security ones must.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    applySecurityHeaders(res.req, res);
    res.writeHead(500, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(LAST_RESORT_BODY),
    });
    res.end(LAST_RESORT_BODY);
  } catch {
    res.destroy();
  }
}
