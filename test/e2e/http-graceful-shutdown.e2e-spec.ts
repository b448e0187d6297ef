import { Agent, request, Server } from 'node:http';
import { createBullQueue, QueueName } from '@app/core';
import { parseAnswer, RawConnection } from '../support/raw-socket';
import { startTestStack, TestStack } from '../support/test-app';
import { dsnParts, newEventId, Seed } from '../support/triage';

/** An ingest store request on `connection`, headers and the first part of the body only. */
function startStore(connection: RawConnection, seed: Seed, body: string, sentPart: string): void {
  const { publicKey, projectId } = dsnParts(seed.dsn);
  connection.write(
    `POST /api/${projectId}/store/?sentry_key=${publicKey}&sentry_version=7 HTTP/1.1\r\nHost: localhost\r\n` +
      `Connection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      sentPart,
  );
}

function startStack(env: Record<string, string> = {}): Promise<TestStack> {
  return startTestStack({ worker: false, env });
}

/** Counts the requests the server has parsed the headers of, to know one is in flight without sleeping. */
function countRequests(stack: TestStack): () => number {
  let seen = 0;
  (stack.api.getHttpServer() as Server).on('request', () => seen++);
  return () => seen;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function waitingJobs(stack: TestStack): Promise<number> {
  const queue = createBullQueue(stack.config, QueueName.EventIngest);
  try {
    return (await queue.getJobCounts()).waiting;
  } finally {
    await queue.close();
  }
}

describe('graceful HTTP shutdown', () => {
  let stack: TestStack | null = null;
  let seed: Seed;
  let requests: () => number;

  beforeEach(async () => {
    stack = await startStack();
    seed = await stack.seed();
    requests = countRequests(stack);
  });
  afterEach(async () => {
    await stack?.close().catch(() => undefined);
    stack = null;
  });

  it('finishes the keep-alive request in flight with Connection: close, closes idle ones at once, resets none', async () => {
    const s = stack!;
    // An idle keep-alive connection: one answered request, nothing in flight.
    const idle = await RawConnection.open(s.baseUrl);
    idle.write('GET /api/settings/ HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    await idle.waitFor((received) => parseAnswer(received).status === 200 && received.endsWith('}'));

    // A keep-alive connection with an event upload in flight.
    const eventId = newEventId();
    const body = JSON.stringify({ event_id: eventId, message: 'sent during shutdown', level: 'error' });
    const busy = await RawConnection.open(s.baseUrl);
    startStore(busy, seed, body, body.slice(0, 10));
    await until(() => requests() === 2, 'the upload reaching the server');

    const closing = s.closeApi();
    // The idle connection goes now, not after the keep-alive timeout, and cleanly (FIN, not RST).
    await idle.waitClosed(2000);
    expect(idle.error).toBeNull();

    // The upload in flight completes and is answered, then the server closes that connection too.
    busy.write(body.slice(10));
    const answer = parseAnswer(await busy.waitClosed(5000));
    expect(busy.error).toBeNull();
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ id: eventId });
    await closing;
    // Answered 200, so in the queue the worker reads.
    expect(await waitingJobs(s)).toBe(1);
  });

  it('a keep-alive client (http.Agent) sending during shutdown gets answers or a refused connection, never a reset', async () => {
    const s = stack!;
    const url = new URL(s.baseUrl);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string, holdMs = 0) =>
      new Promise<{ status: number; connection?: string } | { error: string }>((resolve) => {
        const { publicKey, projectId } = dsnParts(seed.dsn);
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: `/api/${projectId}/store/?sentry_key=${publicKey}&sentry_version=7`,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        // The first half now, the rest later: the request is in flight while the server begins to close.
        req.write(body.slice(0, 5));
        setTimeout(() => req.end(body.slice(5)), holdMs);
      });
    const body = () => JSON.stringify({ event_id: newEventId(), message: 'keep-alive during shutdown' });

    expect(await send(body())).toMatchObject({ status: 200, connection: 'keep-alive' });
    const inFlight = send(body(), 200);
    await until(() => requests() === 2, 'the second request reaching the server');
    const closing = s.closeApi();
    // Queued behind the first on the agent's one socket, as an SDK's transport does.
    const next = send(body());
    const results = [await inFlight, await next];
    await closing;
    agent.destroy();

    expect(results[0]).toEqual({ status: 200, connection: 'close' });
    // The agent did not reuse the closing connection: it opened a new one, which the closed server refused.
    expect(results[1]).toEqual({ error: 'ECONNREFUSED' });
  });

  it('cuts requests still running after HTTP_SHUTDOWN_TIMEOUT_MS', async () => {
    await stack!.close();
    stack = await startStack({ HTTP_SHUTDOWN_TIMEOUT_MS: '200' });
    seed = await stack.seed();
    requests = countRequests(stack);
    const stalled = await RawConnection.open(stack.baseUrl);
    startStore(stalled, seed, JSON.stringify({ message: 'never finished' }), '{"mess');
    await until(() => requests() === 1, 'the upload reaching the server');
    await stack.closeApi();
    await stalled.waitClosed(2000);
  });
});
