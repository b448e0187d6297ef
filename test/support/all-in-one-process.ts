import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '../..');
const MAIN = join(REPO_ROOT, 'dist/apps/all-in-one/src/main.js');
const MANAGE = join(REPO_ROOT, 'dist/apps/api/src/manage.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * These tests run the built app as a new user would. `npm test` builds it first; a lone `npx jest` after an edit
 * would test a stale build, so build when a source file is newer than the build.
 */
export function ensureBuilt(): void {
  const built = existsSync(MAIN) && existsSync(MANAGE) ? statSync(MAIN).mtimeMs : 0;
  const sources = Math.max(newestSource(join(REPO_ROOT, 'apps')), newestSource(join(REPO_ROOT, 'libs')));
  if (sources > built)
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** The environment of a clean machine: no DATABASE_URL or REDIS_URL, a data directory and a port of our own. */
export function allInOneEnv(
  dataDir: string,
  port: number,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SERVER_ROLE', 'NODE_ENV', 'NODE_OPTIONS'])
    delete env[name];
  return {
    ...env,
    GLITCHTIP_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    GLITCHTIP_DOMAIN: `http://127.0.0.1:${port}`,
    NO_COLOR: '1',
    ...extra,
  };
}

export interface AllInOneProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and resolves with the exit code (or the signal that killed it). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | NodeJS.Signals>;
}

/** Starts `node dist/apps/all-in-one/src/main.js` and waits for its welcome banner. */
export async function startAllInOne(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<AllInOneProcess> {
  const child = spawn(process.execPath, [MAIN], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('GlitchTip-TS is running')) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    child,
    baseUrl: env.GLITCHTIP_DOMAIN!,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 60_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `npm run manage -- <args>` (run as `node dist/apps/api/src/manage.js`, which is what the npm script does). */
export async function manage(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [MANAGE, ...args], { cwd: REPO_ROOT, env, timeout: 120_000 });
}
