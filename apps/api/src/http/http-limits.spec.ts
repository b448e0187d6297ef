import { createServer } from 'node:http';
import { loadConfig } from '@app/core';
import { answerClientError } from './client-error';
import { applyHttpLimits, connectionsCheckingInterval } from './http-limits';

describe('connectionsCheckingInterval', () => {
  it('checks often enough for the configured timeouts, but not more than every 50 ms', () => {
    const limits = loadConfig({}).http;
    expect(connectionsCheckingInterval(limits)).toBe(1000);
    expect(connectionsCheckingInterval({ ...limits, headersTimeoutMs: 2000 })).toBe(200);
    expect(connectionsCheckingInterval({ ...limits, headersTimeoutMs: 100, requestTimeoutMs: 100 })).toBe(50);
  });
});

describe('applyHttpLimits', () => {
  it('sets the limits on the server and answers client errors itself', () => {
    const server = createServer();
    const limits = loadConfig({ HTTP_MAX_CONNECTIONS: '7', HTTP_HEADERS_TIMEOUT_MS: '3000' }).http;
    applyHttpLimits(server, limits);
    expect(server.maxConnections).toBe(7);
    expect(server.headersTimeout).toBe(3000);
    expect(server.requestTimeout).toBe(120_000);
    expect(server.keepAliveTimeout).toBe(5000);
    expect((server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval).toBe(
      300,
    );
    expect(server.listeners('clientError')).toEqual([answerClientError]);
  });
});
