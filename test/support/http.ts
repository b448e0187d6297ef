import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A real HTTP client call (Node's fetch) against the running stack. */
export async function http<T = unknown>(
  baseUrl: string,
  path: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<HttpResult<T>> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${baseUrl}${path}`, { ...init, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Runs the real @sentry/node SDK in a child process against `dsn`; returns what the scenario printed. */
export async function runNodeSdk(dsn: string, scenario: string): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [join(__dirname, '../clients/node-sdk-client.js'), dsn, scenario],
    { timeout: 30_000 },
  );
  return stdout;
}

export interface RawResult {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw POST with exactly these bytes and headers (fetch would normalize both). */
export function rawPost(
  baseUrl: string,
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<RawResult> {
  const url = new URL(baseUrl);
  return new Promise<RawResult>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
    });
    req.on('error', reject);
    // An answer that never comes is a failure to report, not a test that hangs.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.end(body);
  });
}
