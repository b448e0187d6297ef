import { Duplex } from 'node:stream';
import { Socket } from 'node:net';
import { answerClientError, clientErrorAnswer, rawClientErrorResponse } from './client-error';

function error(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A socket that records what is written to it. */
function recordingSocket(): { socket: Socket; written: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { socket: stream as unknown as Socket, written: () => Buffer.concat(chunks).toString('latin1') };
}

describe('clientErrorAnswer', () => {
  it("keeps Node's statuses and gives each a detail text", () => {
    expect(clientErrorAnswer(error('ERR_HTTP_REQUEST_TIMEOUT'))).toEqual({
      status: 408,
      detail: 'The request took too long to arrive',
    });
    expect(clientErrorAnswer(error('HPE_HEADER_OVERFLOW'))?.status).toBe(431);
    expect(clientErrorAnswer(error('HPE_CHUNK_EXTENSIONS_OVERFLOW'))?.status).toBe(413);
    expect(clientErrorAnswer(error('HPE_INVALID_METHOD'))).toEqual({
      status: 400,
      detail: 'The request is not valid HTTP',
    });
  });

  it('answers nobody whose connection is gone', () => {
    expect(clientErrorAnswer(error('ECONNRESET'))).toBeNull();
    expect(clientErrorAnswer(error('EPIPE'))).toBeNull();
  });
});

describe('rawClientErrorResponse', () => {
  it('is a complete HTTP answer with a JSON body, the security headers and Connection: close', () => {
    const raw = rawClientErrorResponse({ status: 431, detail: 'The request headers are too large' });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('Content-Type: application/json');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
    expect(head).toContain('Connection: close');
    expect(head).toContain('X-Content-Type-Options: nosniff');
    expect(head).toContain("Content-Security-Policy: default-src 'none'");
    expect(JSON.parse(body!)).toEqual({ detail: 'The request headers are too large' });
  });
});

describe('answerClientError', () => {
  it('writes the answer once, however often the parser reports the same error', () => {
    const { socket, written } = recordingSocket();
    answerClientError(error('HPE_INVALID_METHOD'), socket);
    answerClientError(error('HPE_INVALID_METHOD'), socket);
    expect(written().match(/HTTP\/1\.1 400/g)).toHaveLength(1);
    socket.destroy();
  });

  it('drops a connection that reset without writing to it', () => {
    const { socket, written } = recordingSocket();
    answerClientError(error('ECONNRESET'), socket);
    expect(written()).toBe('');
    expect(socket.destroyed).toBe(true);
  });
});
