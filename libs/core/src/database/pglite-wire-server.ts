import { timingSafeEqual } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** ReadyForQuery's transaction status: idle, in a transaction, in a failed transaction. */
type ReadyStatus = 'I' | 'T' | 'E';

/**
 * Follows the backend messages PGlite writes and remembers the status byte of the last ReadyForQuery, so that
 * the server knows when an exchange is over ('I': idle) or the session is inside a transaction ('T', 'E').
 */
class ReadyForQueryTracker {
  private header = Buffer.alloc(5);
  private headerFill = 0;
  private skip = 0;
  private inReadyForQuery = false;
  /** Status of the last complete ReadyForQuery since `reset()`, or null if none arrived. */
  status: ReadyStatus | null = null;

  reset(): void {
    this.status = null;
  }

  feed(data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - i);
        if (this.inReadyForQuery && n > 0) {
          this.status = String.fromCharCode(data[i]!) as ReadyStatus;
          this.inReadyForQuery = false;
        }
        this.skip -= n;
        i += n;
        continue;
      }
      this.header[this.headerFill++] = data[i++]!;
      if (this.headerFill === 5) {
        this.headerFill = 0;
        this.skip = this.header.readInt32BE(1) - 4;
        this.inReadyForQuery = this.header[0] === 0x5a; // 'Z'
      }
    }
  }
}

interface Connection {
  id: number;
  socket: Socket;
  buffer: Buffer;
  phase: 'startup' | 'password' | 'ready';
  startup: Buffer | null;
  /** Complete frontend messages waiting for the session. */
  queue: Buffer[];
  closed: boolean;
}

/** The part of PGlite's API the server uses. */
export interface PgliteSession {
  readonly waitReady: Promise<void>;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(
    message: Uint8Array,
    options: { onRawData: (data: Uint8Array) => void },
  ): Promise<void>;
}

export interface PgliteWireServerOptions {
  db: PgliteSession;
  /** Password every client must send (cleartext over loopback). */
  password: string;
  host?: string;
  port?: number;
  /** PGlite failed while running a message, or a connection was cut for holding the session (see below). */
  onError?: (error: Error) => void;
  /**
   * A connection that sits in a transaction without sending anything for this long while others wait is cut
   * (its transaction rolls back), default 60 s. On a real server such a transaction only holds its row locks; here
   * it holds the whole database, and a transaction waiting for another connection would wait forever.
   */
  idleInTransactionTimeoutMs?: number;
}

/**
 * Serves one PGlite instance over the PostgreSQL wire protocol to any number of `pg` connections.
 *
 * PGlite has a single session, so connections take turns: a connection owns the session from its first message
 * until PGlite answers ReadyForQuery with status idle, i.e. for a whole simple query, a whole extended-protocol
 * exchange (Parse … Sync) and a whole transaction (BEGIN … COMMIT). Others wait in arrival order. This is what
 * `@electric-sql/pglite-socket`'s multiplexer gets wrong: it interleaves extended-protocol messages of different
 * connections, so that under concurrency a Bind can meet another connection's Parse ("unnamed prepared statement
 * does not exist") and an error on one connection makes PGlite skip the others' messages until a Sync.
 *
 * What remains shared between connections is session state that outlives a transaction (SET, session advisory
 * locks, named prepared statements); the application uses none of it across connections.
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private readonly waiting: Connection[] = [];
  private owner: Connection | null = null;
  private pumping = false;
  private nextId = 1;
  private readonly tracker = new ReadyForQueryTracker();
  private readonly password: Buffer;
  private idleSince = 0;
  private watchdog: NodeJS.Timeout | null = null;
  port = 0;

  constructor(private readonly options: PgliteWireServerOptions) {
    this.password = Buffer.from(options.password, 'utf8');
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    await this.options.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    const limit = this.options.idleInTransactionTimeoutMs ?? 60_000;
    this.watchdog = setInterval(() => this.cutIdleOwner(limit), Math.min(limit, 5_000));
    this.watchdog.unref();
  }

  private cutIdleOwner(limit: number): void {
    const owner = this.owner;
    if (!owner || this.pumping || owner.queue.length || !this.waiting.length) return;
    if (Date.now() - this.idleSince < limit) return;
    this.options.onError?.(
      new Error(
        `a connection stayed idle in a transaction for ${Math.round(limit / 1000)} s while ` +
          `${this.waiting.length} others waited for the database; it was closed and its transaction rolled back`,
      ),
    );
    owner.socket.destroy();
  }

  /** Stops accepting, closes every connection, and waits until a transaction left open is rolled back. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const conn of this.connections) conn.socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = Date.now() + 5_000;
    while ((this.pumping || this.owner) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Connection = {
      id: this.nextId++,
      socket,
      buffer: Buffer.alloc(0),
      phase: 'startup',
      startup: null,
      queue: [],
      closed: false,
    };
    this.connections.add(conn);
    socket.on('data', (data: Buffer) => this.receive(conn, data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.closed = true;
      this.connections.delete(conn);
      if (this.owner === conn) void this.pump();
    });
  }

  private receive(conn: Connection, data: Buffer): void {
    conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, data]) : data;
    let queued = false;
    while (!conn.closed) {
      if (conn.phase === 'startup') {
        if (conn.buffer.length < 8) return;
        const length = conn.buffer.readInt32BE(0);
        if (conn.buffer.length < length) return;
        const code = conn.buffer.readInt32BE(4);
        const message = conn.buffer.subarray(0, length);
        conn.buffer = conn.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          conn.socket.write('N');
        } else if (code === PROTOCOL_3) {
          conn.startup = Buffer.from(message);
          conn.phase = 'password';
          conn.socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
        } else {
          conn.socket.destroy(); // CancelRequest (nothing to cancel) or an unknown protocol
          return;
        }
        continue;
      }
      if (conn.buffer.length < 5) break;
      const length = conn.buffer.readInt32BE(1) + 1;
      if (conn.buffer.length < length) break;
      const message = Buffer.from(conn.buffer.subarray(0, length));
      conn.buffer = conn.buffer.subarray(length);
      if (conn.phase === 'password') {
        if (message[0] !== 0x70 || !this.passwordMatches(message.subarray(5, length - 1))) {
          conn.socket.end(errorResponse('28P01', 'password authentication failed'));
          return;
        }
        conn.phase = 'ready';
        conn.queue.push(conn.startup!); // PGlite answers AuthenticationOk, parameters and ReadyForQuery
        conn.startup = null;
        queued = true;
        continue;
      }
      if (message[0] === 0x58) {
        conn.socket.end(); // Terminate
        return;
      }
      conn.queue.push(message);
      queued = true;
    }
    if (queued) {
      if (this.owner !== conn && !this.waiting.includes(conn)) this.waiting.push(conn);
      void this.pump();
    }
  }

  private passwordMatches(given: Buffer): boolean {
    return given.length === this.password.length && timingSafeEqual(given, this.password);
  }

  /** Runs queued messages one at a time, handing the session over only between exchanges. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (!this.owner) {
          const next = this.waiting.shift();
          if (!next) return;
          if (next.closed) continue; // never held the session: nothing to clean up
          this.owner = next;
        }
        const conn = this.owner;
        if (conn.closed) {
          await this.abandon();
          this.owner = null;
          continue;
        }
        const message = conn.queue.shift();
        if (!message) {
          this.idleSince = Date.now(); // the owner is mid-transaction and has not sent its next statement yet
          return;
        }
        let status: ReadyStatus | null;
        try {
          status = await this.execute(message, (data) => {
            if (!conn.closed) conn.socket.write(Buffer.from(data));
          });
        } catch (error) {
          this.options.onError?.(error as Error);
          conn.closed = true;
          conn.socket.destroy();
          continue;
        }
        if (status === 'I') {
          this.owner = null;
          if (conn.queue.length) this.waiting.push(conn);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The owner went away mid-exchange: end its extended-protocol exchange and roll back its transaction. */
  private async abandon(): Promise<void> {
    try {
      if ((await this.execute(SYNC, () => undefined)) !== 'I')
        await this.execute(simpleQuery('ROLLBACK'), () => undefined);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private async execute(
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<ReadyStatus | null> {
    const db = this.options.db;
    this.tracker.reset();
    await db.runExclusive(() =>
      db.execProtocolRawStream(message, {
        onRawData: (data) => {
          this.tracker.feed(data);
          onData(data);
        },
      }),
    );
    return this.tracker.status;
  }
}

function simpleQuery(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = 0x51; // 'Q'
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

function errorResponse(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, 'utf8');
  const message = Buffer.alloc(5 + fields.length);
  message[0] = 0x45; // 'E'
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}
