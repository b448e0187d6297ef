import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { acquirePidLock, PidLock, PidLockedError, processIsAlive } from '../data-dir/pid-lock';
import { EmbeddedDatabaseHost, hostEmbeddedDatabase } from './embedded-postgres-host';
import type { FromDatabaseThread, ToDatabaseThread } from './embedded-postgres-thread';

/** The compiled thread entry; absent when the code runs from its TypeScript sources (tests). */
const THREAD_ENTRY = join(__dirname, 'embedded-postgres-thread.js');

function errorFrom(message: { message: string; stack?: string }): Error {
  const error = new Error(message.message);
  if (message.stack) error.stack = message.stack;
  return error;
}

/**
 * Runs PGlite on a thread of its own: its WebAssembly executes every statement synchronously, which on the main
 * thread would stall HTTP and the queue for as long. From TypeScript sources (tests) the same code runs here.
 */
function startDatabaseHost(options: {
  pgdata: string;
  password: string;
  onError?: (error: Error) => void;
}): Promise<EmbeddedDatabaseHost> {
  if (!existsSync(THREAD_ENTRY)) return hostEmbeddedDatabase(options);
  const worker = new Worker(THREAD_ENTRY, {
    workerData: { pgdata: options.pgdata, password: options.password },
  });
  return new Promise((resolveHost, rejectHost) => {
    let ready = false;
    let stopping: { resolve: () => void; reject: (error: Error) => void } | null = null;
    const fail = (error: Error) => {
      if (!ready) rejectHost(error);
      else if (stopping) stopping.reject(error);
      else options.onError?.(error);
    };
    worker.on('message', (message: FromDatabaseThread) => {
      switch (message.type) {
        case 'ready':
          ready = true;
          resolveHost({
            host: message.host,
            port: message.port,
            threaded: true,
            threadId: message.tid,
            stop: () =>
              new Promise<void>((resolveStop, rejectStop) => {
                stopping = { resolve: resolveStop, reject: rejectStop };
                worker.postMessage({ type: 'stop' } satisfies ToDatabaseThread);
              }),
          });
          return;
        case 'failed':
          return fail(errorFrom(message));
        case 'error':
          return options.onError?.(errorFrom(message));
        case 'stopped':
          return stopping?.resolve();
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!ready)
        rejectHost(new Error(`the embedded database thread exited (code ${code}) before it was ready`));
      else if (!stopping) options.onError?.(new Error(`the embedded database thread exited (code ${code})`));
    });
  });
}

/** What the process that owns a data directory's database publishes for other processes (manage). */
interface EndpointFile {
  pid: number;
  host: string;
  port: number;
  password: string;
  /** The Linux thread id of the database thread, for per-thread CPU figures. */
  thread?: number | null;
}

const running = new Map<string, string>();

function endpointUrl(endpoint: Omit<EndpointFile, 'pid'>): string {
  return `postgres://postgres:${endpoint.password}@${endpoint.host}:${endpoint.port}/postgres`;
}

function paths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    pgdata: join(root, 'postgres'),
    lock: join(root, 'postgres.lock'),
    endpoint: join(root, 'postgres.json'),
  };
}

/**
 * The connection URL of the embedded database for `dataDir`, opened (or reached) earlier in this process with
 * `EmbeddedPostgres.start` or `openEmbeddedDatabase`. The database module uses it when DATABASE_URL is unset.
 */
export function embeddedDatabaseUrl(dataDir: string): string {
  const url = running.get(paths(dataDir).root);
  if (!url) {
    throw new Error(
      `DATABASE_URL is not set and the embedded database for ${paths(dataDir).root} is not open in this process`,
    );
  }
  return url;
}

/**
 * PostgreSQL embedded in the process: PGlite (PostgreSQL compiled to WebAssembly) on a thread of its own, keeping
 * its files under `<dataDir>/postgres`, served on a loopback port with a random password, so that the application reaches it
 * through the ordinary `pg` driver, pool and migrations, exactly like a real server.
 *
 * One process owns a data directory (`postgres.lock`); it writes its port and password to `postgres.json`
 * (mode 0600) so that `manage` can connect while it runs.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly root: string,
    private readonly host: EmbeddedDatabaseHost,
    private readonly lock: PidLock,
    readonly url: string,
  ) {}

  /** True when PGlite runs on a thread of its own (always, except from TypeScript sources). */
  get threaded(): boolean {
    return this.host.threaded;
  }

  static async start(
    dataDir: string,
    options: { onError?: (error: Error) => void } = {},
  ): Promise<EmbeddedPostgres> {
    const p = paths(dataDir);
    mkdirSync(p.root, { recursive: true, mode: 0o700 });
    const lock = acquirePidLock(p.lock);
    try {
      const password = randomBytes(24).toString('hex');
      const host = await startDatabaseHost({ pgdata: p.pgdata, password, onError: options.onError });
      const endpoint: EndpointFile = {
        pid: process.pid,
        host: host.host,
        port: host.port,
        password,
        thread: host.threadId ?? null,
      };
      writeFileSync(`${p.endpoint}.tmp`, JSON.stringify(endpoint), { mode: 0o600 });
      renameSync(`${p.endpoint}.tmp`, p.endpoint);
      const url = endpointUrl(endpoint);
      running.set(p.root, url);
      return new EmbeddedPostgres(p.root, host, lock, url);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Closes client connections (rolling back what they left open), then PostgreSQL itself (a clean shutdown). */
  async stop(): Promise<void> {
    running.delete(this.root);
    try {
      unlinkSync(paths(this.root).endpoint);
    } catch {
      /* already gone */
    }
    await this.host.stop();
    this.lock.release();
  }
}

function readEndpoint(file: string): EndpointFile | null {
  try {
    const endpoint = JSON.parse(readFileSync(file, 'utf8')) as EndpointFile;
    return processIsAlive(endpoint.pid) ? endpoint : null;
  } catch {
    return null;
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface EmbeddedDatabaseHandle {
  url: string;
  /** True when this process opened the data directory itself (no server was running). */
  owned: boolean;
  close(): Promise<void>;
}

/**
 * For one-off commands (manage): connects to the embedded database of the all-in-one server if it is running on
 * this data directory, otherwise opens the directory itself for the duration of the command. Waits while another
 * process is still starting up on the directory.
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  waitMs = 60_000,
): Promise<EmbeddedDatabaseHandle> {
  const p = paths(dataDir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const endpoint = readEndpoint(p.endpoint);
    if (endpoint && (await reachable(endpoint.host, endpoint.port))) {
      const url = endpointUrl(endpoint);
      running.set(p.root, url);
      return {
        url,
        owned: false,
        close: async () => {
          running.delete(p.root);
        },
      };
    }
    try {
      const embedded = await EmbeddedPostgres.start(dataDir);
      return { url: embedded.url, owned: true, close: () => embedded.stop() };
    } catch (error) {
      if (!(error instanceof PidLockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250)); // the owner is starting: its endpoint appears shortly
    }
  }
}
