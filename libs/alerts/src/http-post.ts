import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What one delivery attempt ended with. */
export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** GlitchTip's webhook timeout: a whole request, connection to last byte. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** A JSON POST that never throws: any 2xx is a success, anything else (or no answer in time) a failure. */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<AttemptOutcome> {
  return postBody(url, body, 'application/json', headers, timeoutMs);
}

/** A form-encoded POST, as postJson (Zulip's API takes no JSON). */
export function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<AttemptOutcome> {
  const body = new URLSearchParams(fields).toString();
  return postBody(url, body, 'application/x-www-form-urlencoded', headers, timeoutMs);
}

function postBody(
  url: string,
  body: string,
  contentType: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    ok: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
    statusCode,
    error,
    durationMs: Date.now() - started,
  });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(done(null, 'invalid URL'));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          'Content-Length': String(Buffer.byteLength(body)),
          'User-Agent': 'GlitchTip',
          ...headers,
        },
      },
      (res) => {
        // The answer's body is not needed; reading it lets the socket finish.
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? null;
          resolve(done(status, status !== null && status >= 200 && status < 300 ? null : `HTTP ${status}`));
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          resolve(done(res.statusCode ?? null, error.message));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve(done(null, error.message));
    });
    req.end(body);
  });
}
