import { http } from '../support/http';
import { parseAnswer, RawConnection } from '../support/raw-socket';
import { startTestStack, TestStack } from '../support/test-app';
import { dsnParts, Seed } from '../support/triage';

/** The server's own JSON answer to a slow client, with the headers every answer carries. */
function expectTimeoutAnswer(raw: string): void {
  const answer = parseAnswer(raw);
  expect(answer.status).toBe(408);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers.connection).toBe('close');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(JSON.parse(answer.body)).toEqual({ detail: 'The request took too long to arrive' });
}

// Node's own limits are 60 s for headers and 300 s for a request: the waits below (5 s) only pass with ours.
describe('HTTP timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS)', () => {
  const HEADERS_TIMEOUT = 300;
  let stack: TestStack;
  let seed: Seed;

  beforeAll(async () => {
    stack = await startTestStack({
      worker: false,
      env: {
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT),
        HTTP_REQUEST_TIMEOUT_MS: '600',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
      },
    });
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  it('answers 408 to a client that does not finish its headers', async () => {
    const connection = await RawConnection.open(stack.baseUrl);
    const started = Date.now();
    connection.write('GET /api/settings/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expectTimeoutAnswer(await connection.waitClosed(5000));
    // Not cut before its time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 20);
    expect(connection.error).toBeNull();
  });

  it('answers 408 to a slow body on a REST route (Express body parser)', async () => {
    const connection = await RawConnection.open(stack.baseUrl);
    connection.write(
      'POST /_allauth/browser/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"email":',
    );
    expectTimeoutAnswer(await connection.waitClosed(5000));
  });

  it('answers 408 to a slow body on an ingest route (raw handler), and the server keeps serving', async () => {
    const { publicKey, projectId } = dsnParts(seed.dsn);
    const connection = await RawConnection.open(stack.baseUrl);
    connection.write(
      `POST /api/${projectId}/store/?sentry_key=${publicKey}&sentry_version=7 HTTP/1.1\r\nHost: localhost\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"message":"slow',
    );
    expectTimeoutAnswer(await connection.waitClosed(5000));
    const settings = await http(stack.baseUrl, '/api/settings/');
    expect(settings.status).toBe(200);
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const connection = await RawConnection.open(stack.baseUrl);
    connection.write('GET /api/settings/ HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const first = parseAnswer(await connection.waitFor((received) => received.includes('\r\n\r\n')));
    expect(first.status).toBe(200);
    await connection.waitClosed(5000);
    expect(connection.error).toBeNull();
  });
});

describe('HTTP_MAX_CONNECTIONS', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      worker: false,
      env: { HTTP_MAX_CONNECTIONS: '2', HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000' },
    });
  });
  afterAll(() => stack.close());

  /** A connection the server has accepted: it answered one request on it and keeps it open. */
  async function acceptedConnection(): Promise<RawConnection> {
    const connection = await RawConnection.open(stack.baseUrl);
    connection.write('GET /api/settings/ HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await connection.waitFor((received) => received.includes('"'));
    return connection;
  }

  it('closes connections above the limit unanswered, and accepts again once one closes', async () => {
    const first = await acceptedConnection();
    const second = await acceptedConnection();

    const third = await RawConnection.open(stack.baseUrl);
    third.write('GET /api/settings/ HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await third.waitClosed(5000)).toBe('');

    first.destroy();
    // The server counts the connection closed a moment after the client did.
    const deadline = Date.now() + 5000;
    let answer = await http(stack.baseUrl, '/api/settings/').catch(() => null);
    while (!answer && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await http(stack.baseUrl, '/api/settings/').catch(() => null);
    }
    expect(answer?.status).toBe(200);
    second.destroy();
  });
});
