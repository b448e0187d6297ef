import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { acquirePidLock, PidLock, PidLockedError, processIsAlive } from '../data-dir/pid-lock';
import { PgliteSession, PgliteWireServer } from './pglite-wire-server';

type PGliteInstance = PgliteSession & { close(): Promise<void> };

/** What the process that owns a data directory's database publishes for other processes (manage). */
interface EndpointFile {
  pid: number;
  host: string;
  port: number;
  password: string;
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
 * PostgreSQL embedded in the process: PGlite (PostgreSQL compiled to WebAssembly) keeping its files under
 * `<dataDir>/postgres`, served on a loopback port with a random password, so that the application reaches it
 * through the ordinary `pg` driver, pool and migrations, exactly like a real server.
 *
 * One process owns a data directory (`postgres.lock`); it writes its port and password to `postgres.json`
 * (mode 0600) so that `manage` can connect while it runs.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly root: string,
    private readonly db: PGliteInstance,
    private readonly server: PgliteWireServer,
    private readonly lock: PidLock,
    readonly url: string,
  ) {}

  static async start(
    dataDir: string,
    options: { onError?: (error: Error) => void } = {},
  ): Promise<EmbeddedPostgres> {
    const p = paths(dataDir);
    mkdirSync(p.root, { recursive: true, mode: 0o700 });
    const lock = acquirePidLock(p.lock);
    let db: PGliteInstance | undefined;
    try {
      // Loaded on demand: processes that use a real PostgreSQL never load the WebAssembly build.
      const { PGlite } = await import('@electric-sql/pglite');
      const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
      const pglite = await PGlite.create({ dataDir: p.pgdata, extensions: { pg_trgm } });
      db = pglite;
      const password = randomBytes(24).toString('hex');
      const server = new PgliteWireServer({ db: pglite, password, onError: options.onError });
      await server.start();
      const endpoint: EndpointFile = { pid: process.pid, host: server.host, port: server.port, password };
      writeFileSync(`${p.endpoint}.tmp`, JSON.stringify(endpoint), { mode: 0o600 });
      renameSync(`${p.endpoint}.tmp`, p.endpoint);
      const url = endpointUrl(endpoint);
      running.set(p.root, url);
      return new EmbeddedPostgres(p.root, pglite, server, lock, url);
    } catch (error) {
      await db?.close().catch(() => undefined);
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
    await this.server.stop();
    await this.db.close();
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
