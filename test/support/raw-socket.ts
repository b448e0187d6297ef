import { connect, Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, as text. */
  raw: string;
}

/** Splits one HTTP/1.1 answer with a Content-Length (what the server writes for its own errors). */
export function parseAnswer(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.slice(0, end === -1 ? raw.length : end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
    headers,
    body: end === -1 ? '' : raw.slice(end + 4),
    raw,
  };
}

/** A TCP connection to the server, with what it received so far and how it ended. */
export class RawConnection {
  received = '';
  /** The socket error that ended it (ECONNRESET…), if one did. */
  error: NodeJS.ErrnoException | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', (error) => (this.error = error));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const url = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves once `predicate` holds for what was received, or rejects after `timeoutMs`. */
  async waitFor(predicate: (received: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`not received within ${timeoutMs} ms: ${this.received}`);
      if (this.socket.destroyed) throw new Error(`connection closed; received: ${this.received}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.received;
  }

  /** Resolves once the server closed the connection, with everything it sent; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 10_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still open after ${timeoutMs} ms: ${this.received}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.received;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Sends `data` on a new connection and returns the one answer the server sent before closing it. */
export async function sendRaw(baseUrl: string, data: string | Buffer): Promise<RawAnswer> {
  const connection = await RawConnection.open(baseUrl);
  connection.write(data);
  return parseAnswer(await connection.waitClosed());
}
