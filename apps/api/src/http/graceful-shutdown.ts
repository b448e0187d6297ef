import { Logger } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';

/**
 * Closes the api's server without resetting a request: it stops accepting, closes idle keep-alive connections at
 * once, and answers every request in flight (and any that still arrives on an open connection) with
 * `Connection: close`, so that no client sends another request on a connection about to close. Requests in flight
 * get `timeoutMs` to finish; then the connections left are cut.
 */
export class GracefulHttpShutdown {
  private readonly logger = new Logger('Http');
  private readonly inFlight = new Set<ServerResponse>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly server: Server,
    private readonly timeoutMs: number,
  ) {}

  /** Called first for every request. */
  track(res: ServerResponse): void {
    if (this.closing) {
      res.setHeader('Connection', 'close');
      // The socket may have answered with keep-alive already once; this answer closes it.
      res.once('close', () => this.server.closeIdleConnections());
      return;
    }
    this.inFlight.add(res);
    res.once('close', () => this.inFlight.delete(res));
  }

  /** Resolves once every connection is closed; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private drain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const pending = this.inFlight.size;
      for (const res of this.inFlight) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        // Already answering with keep-alive: the connection closes as soon as it is idle.
        else res.once('close', () => this.server.closeIdleConnections());
      }
      this.inFlight.clear();
      const timer = setTimeout(() => {
        this.logger.warn(
          `requests still running after ${this.timeoutMs} ms of shutdown: closing their connections`,
        );
        this.server.closeAllConnections();
      }, this.timeoutMs).unref();
      if (pending) this.logger.log(`shutting down: ${pending} requests in flight may finish`);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
