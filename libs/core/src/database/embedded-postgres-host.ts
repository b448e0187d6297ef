import { PgliteSession, PgliteWireServer } from './pglite-wire-server';

/** What the thread (or the main thread, in TypeScript test runs) that runs PGlite hands back. */
export interface EmbeddedDatabaseHost {
  host: string;
  port: number;
  /** True when PGlite runs on its own thread. */
  threaded: boolean;
  /** That thread's Linux thread id, when known. */
  threadId?: number | null;
  /** Closes client connections (rolling back what they left open), then PGlite (a clean shutdown). */
  stop(): Promise<void>;
}

/** Opens PGlite on `pgdata` and serves it on a loopback port (see PgliteWireServer). */
export async function hostEmbeddedDatabase(options: {
  pgdata: string;
  password: string;
  onError?: (error: Error) => void;
}): Promise<EmbeddedDatabaseHost> {
  // Loaded on demand: processes that use a real PostgreSQL never load the WebAssembly build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db: PgliteSession & { close(): Promise<void> } = await PGlite.create({
    dataDir: options.pgdata,
    extensions: { pg_trgm },
  });
  try {
    const server = new PgliteWireServer({ db, password: options.password, onError: options.onError });
    await server.start();
    return {
      host: server.host,
      port: server.port,
      threaded: false,
      async stop() {
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
