import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { HttpServerLimits } from '@app/core';
import { answerClientError } from './client-error';

/** How often a dropped connection is logged at most: under a flood, one line, not one per connection. */
const DROP_LOG_INTERVAL_MS = 60_000;

/**
 * How often Node checks the headers and request timeouts (its default, 30 s, would let a 10 s timeout run to 40 s):
 * a tenth of the shorter timeout, between 50 ms and 1 s.
 */
export function connectionsCheckingInterval(limits: HttpServerLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.min(1000, Math.max(50, Math.floor(shortest / 10)));
}

/**
 * Connection limits and timeouts on the api's server, and JSON answers for the errors Node raises itself (bad
 * HTTP, headers too large, timeouts). Must run before `listen`: Node starts its timeout checker then.
 */
export function applyHttpLimits(server: Server, limits: HttpServerLimits, logger = new Logger('Http')): void {
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    connectionsCheckingInterval(limits);
  server.on('clientError', answerClientError);
  let lastDropLog = 0;
  let dropped = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastDropLog < DROP_LOG_INTERVAL_MS) return;
    lastDropLog = now;
    logger.warn(
      `HTTP_MAX_CONNECTIONS=${limits.maxConnections} reached: new connections are closed (${dropped} so far)`,
    );
  });
}
