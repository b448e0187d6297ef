import { Logger } from '@nestjs/common';
import { createServer, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GracefulHttpShutdown } from './graceful-shutdown';

/** A server whose handler holds every answer until `release()`. */
async function holdingServer(timeoutMs: number) {
  const held: ServerResponse[] = [];
  let onRequest: () => void = () => undefined;
  const server: Server = createServer();
  const shutdown = new GracefulHttpShutdown(server, timeoutMs);
  server.on('request', (_req, res: ServerResponse) => {
    shutdown.track(res);
    held.push(res);
    onRequest();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const get = () =>
    new Promise<{ status: number; connection?: string } | { error: string }>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { Connection: 'keep-alive' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      req.end();
    });
  const requested = () => new Promise<void>((resolve) => (onRequest = resolve));
  const release = () => held.splice(0).forEach((res) => res.end('done'));
  return { server, shutdown, get, requested, release };
}

describe('GracefulHttpShutdown', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('answers the request in flight with Connection: close and resolves once it is done', async () => {
    const { shutdown, get, requested, release } = await holdingServer(10_000);
    const arrived = requested();
    const answer = get();
    await arrived;
    const closed = shutdown.close();
    expect(shutdown.close()).toBe(closed);
    release();
    expect(await answer).toEqual({ status: 200, connection: 'close' });
    await closed;
  });

  it('cuts what is still running after the timeout', async () => {
    const { shutdown, get, requested } = await holdingServer(50);
    const arrived = requested();
    const answer = get();
    await arrived;
    await shutdown.close();
    expect(await answer).toEqual({ error: 'ECONNRESET' });
  });

  it('resolves at once when nothing is in flight', async () => {
    const { server, shutdown } = await holdingServer(10_000);
    await shutdown.close();
    expect(server.listening).toBe(false);
  });
});
