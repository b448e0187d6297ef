import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { nonPublicLiteral, publicOnlyLookup } from '@app/core';

/** What one delivery attempt ended with. */
export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** GlitchTip's webhook timeout: a whole request, connection to last byte. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The most of an answer's body read to judge it: services that report failure in a 200 say so briefly. */
const JUDGED_BODY_BYTES = 16_384;

/**
 * For services that answer 200 even when they refused the message (Feishu, Telegram): the error their body
 * states, or null when it says the message was taken.
 */
export type BodyJudge = (body: string) => string | null;

/** Feishu/Lark bots: `{"code": 0}` (or `{"StatusCode": 0}`) when the message was taken, else `code` and `msg`. */
export const feishuAnswer: BodyJudge = (body) => {
  const answer = parseObject(body);
  const code = answer?.code ?? answer?.StatusCode;
  if (code === undefined || code === 0) return null;
  return `Feishu error ${String(code)}: ${String(answer?.msg ?? answer?.StatusMessage ?? '')}`.trim();
};

/** Telegram's Bot API: `{"ok": true, …}`, or `{"ok": false, "description": …}`. */
export const telegramAnswer: BodyJudge = (body) => {
  const answer = parseObject(body);
  if (answer?.ok !== false) return null;
  return `Telegram error: ${String(answer.description ?? answer.error_code ?? 'not ok')}`;
};

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** Connection to last byte; REQUEST_TIMEOUT_MS by default. */
  timeoutMs?: number;
  judge?: BodyJudge;
  /** Loopback, private and link-local targets are refused unless this is true (GLITCHTIP_ALLOW_PRIVATE_IPS). */
  allowPrivateAddresses?: boolean;
}

const PRIVATE_ADDRESSES_SETTING = 'GLITCHTIP_ALLOW_PRIVATE_IPS';

/** A JSON POST that never throws: any 2xx is a success, anything else (or no answer in time) a failure. */
export function postJson(url: string, body: string, options: PostOptions = {}): Promise<AttemptOutcome> {
  return postBody(url, body, 'application/json', options);
}

/** A form-encoded POST, as postJson (Zulip's API takes no JSON). */
export function postForm(
  url: string,
  fields: Record<string, string>,
  options: PostOptions = {},
): Promise<AttemptOutcome> {
  const body = new URLSearchParams(fields).toString();
  return postBody(url, body, 'application/x-www-form-urlencoded', options);
}

function postBody(
  url: string,
  body: string,
  contentType: string,
  { headers = {}, timeoutMs = REQUEST_TIMEOUT_MS, judge, allowPrivateAddresses = false }: PostOptions,
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
    const refusal = allowPrivateAddresses ? null : nonPublicLiteral(target, PRIVATE_ADDRESSES_SETTING);
    if (refusal) {
      resolve(done(null, refusal.message));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        ...(allowPrivateAddresses ? {} : { lookup: publicOnlyLookup(PRIVATE_ADDRESSES_SETTING) }),
        headers: {
          'Content-Type': contentType,
          'Content-Length': String(Buffer.byteLength(body)),
          'User-Agent': 'GlitchTip',
          ...headers,
        },
      },
      (res) => {
        // Reading the answer lets the socket finish; its start is kept when a judge needs it.
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (!judge || kept >= JUDGED_BODY_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? null;
          if (status === null || status < 200 || status >= 300) {
            resolve(done(status, `HTTP ${status}`));
            return;
          }
          const refused =
            judge?.(Buffer.concat(chunks).subarray(0, JUDGED_BODY_BYTES).toString('utf8')) ?? null;
          resolve(done(status, refused));
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
