import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';

/** ../shared/fixtures next to the repository; tests that read it skip when it is absent. */
export const FIXTURES_DIR = resolve(__dirname, '../../../shared/fixtures');
export const CAPTURES_DIR = join(FIXTURES_DIR, 'sdk-captures');
export const fixturesAvailable = existsSync(CAPTURES_DIR);

export interface Capture {
  name: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export function loadCaptures(folder: string): Capture[] {
  const dir = join(CAPTURES_DIR, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.head.txt'))
    .sort()
    .map((headFile) => {
      const lines = readFileSync(join(dir, headFile), 'utf8').split('\n');
      const [method, path] = lines[0]!.split(' ') as [string, string];
      const headers: Array<[string, string]> = [];
      for (const line of lines.slice(1)) {
        if (line === '' || line.startsWith('#')) break;
        const colon = line.indexOf(':');
        headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
      }
      const base = headFile.replace(/\.head\.txt$/, '');
      return {
        name: `${folder}/${base}`,
        method,
        path,
        headers,
        body: readFileSync(join(dir, `${base}.body.bin`)),
      };
    });
}

const CAPTURED_KEYS = ['publickey', '0123456789abcdef0123456789abcdef'];

/**
 * Sends a capture byte for byte to our server, with the project id and key swapped for ours; chunked bodies stay
 * chunked (no Content-Length), as the Node SDK sends them.
 */
export function replayCapture(
  baseUrl: string,
  capture: Capture,
  projectId: string,
  publicKey: string,
): Promise<{ status: number; body: string }> {
  const swapKey = (value: string) => CAPTURED_KEYS.reduce((v, key) => v.split(key).join(publicKey), value);
  const path = swapKey(capture.path.replace(/^\/api\/\d+\//, `/api/${projectId}/`));
  const headers: Record<string, string> = {};
  for (const [name, value] of capture.headers) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'transfer-encoding') continue;
    headers[name] = swapKey(value);
  }
  const url = new URL(baseUrl);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: capture.method, path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    // Without Content-Length Node sends the body chunked, like the SDK's stream.
    req.end(capture.body);
  });
}
