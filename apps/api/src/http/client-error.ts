import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { securityHeaders } from './security-headers';

/** How long a refused client may keep sending before its socket is cut: enough for it to read our answer. */
export const LINGER_MS = 1000;

export interface ClientErrorAnswer {
  status: number;
  detail: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/**
 * What to answer for an error Node's HTTP parser or its timers raised before a handler could (the `clientError`
 * event): Node's own choice of status, with a `{"detail": …}` text. Null when there is nobody left to answer.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException): ClientErrorAnswer | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request took too long to arrive' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: 'The chunk extensions are too large' };
    default:
      return { status: 400, detail: 'The request is not valid HTTP' };
  }
}

/** A complete HTTP/1.1 answer, for a socket whose request never became a ServerResponse. */
export function rawClientErrorResponse(answer: ClientErrorAnswer): string {
  const body = JSON.stringify({ detail: answer.detail });
  const headers = {
    ...securityHeaders('/', false),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`);
  return `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

const answered = new WeakSet<Socket>();

/**
 * The `clientError` listener: answers with JSON where the connection can still carry an answer, then closes it.
 * The request in flight, if any, is answered through its ServerResponse (which then counts as sent, so its handler
 * writes nothing more). The socket is half-closed and read for a moment before it is cut: closing with unread
 * bytes would reset the connection and could make the client lose the answer.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  try {
    // The parser keeps reporting the same error for each chunk that follows.
    if (answered.has(socket)) return;
    answered.add(socket);
    const answer = clientErrorAnswer(error);
    // Node's own rule: never write into an answer that has started.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!answer || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(linger));
    if (inFlight) {
      const body = JSON.stringify({ detail: answer.detail });
      inFlight.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      });
      inFlight.end(body);
      socket.resume();
      return;
    }
    socket.end(rawClientErrorResponse(answer));
    socket.resume();
  } catch {
    socket.destroy();
  }
}
