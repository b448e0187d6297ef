import { connect as netConnect, Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';

export interface SmtpOptions {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  user?: string;
  password?: string;
  /** Name announced in EHLO. */
  clientName?: string;
  timeoutMs?: number;
}

interface Reply {
  code: number;
  lines: string[];
}

export class SmtpError extends Error {}

/** One SMTP conversation: replies are read line by line (multi-line replies joined) from the current socket. */
class Conversation {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private pendingLines: string[] = [];
  private waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private socket!: Socket;
  private readonly onData = (chunk: Buffer) => this.receive(chunk.toString('utf8'));
  private readonly onError = (error: Error) => this.fail(error);
  private readonly onClose = () => this.fail(new SmtpError('SMTP connection closed'));

  constructor(
    socket: Socket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  attach(socket: Socket): void {
    if (this.socket) {
      this.socket.off('data', this.onData).off('error', this.onError).off('close', this.onClose);
      this.socket.setTimeout(0);
    }
    this.socket = socket;
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new SmtpError('SMTP timeout')));
  }

  get current(): Socket {
    return this.socket;
  }

  private receive(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.pendingLines.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), lines: this.pendingLines };
        this.pendingLines = [];
        if (this.waiter) {
          const { resolve } = this.waiter;
          this.waiter = null;
          resolve(reply);
        } else this.replies.push(reply);
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(error);
    }
  }

  read(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  async expect(codes: number[], command?: string): Promise<Reply> {
    if (command !== undefined) this.socket.write(`${command}\r\n`);
    const reply = await this.read();
    if (!codes.includes(reply.code)) {
      const shown = command?.startsWith('AUTH') ? 'AUTH' : (command ?? 'greeting');
      throw new SmtpError(`SMTP ${shown} answered ${reply.code} ${reply.lines.join(' ')}`);
    }
    return reply;
  }
}

function open(options: SmtpOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      options.security === 'tls'
        ? tlsConnect({ host: options.host, port: options.port, servername: options.host }, () =>
            resolve(socket),
          )
        : netConnect({ host: options.host, port: options.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function upgrade(socket: Socket, host: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, servername: host }, () => resolve(secure));
    secure.once('error', reject);
  });
}

/** Escapes lines that start with a dot and ends the DATA section. */
export function dotStuff(message: string): string {
  const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  return `${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`;
}

/** Sends one message over SMTP (EHLO, optional STARTTLS, AUTH PLAIN or LOGIN, MAIL, RCPT, DATA, QUIT). */
export async function sendSmtp(
  options: SmtpOptions,
  envelope: { from: string; to: string[] },
  message: string,
): Promise<void> {
  const socket = await open(options);
  const smtp = new Conversation(socket, options.timeoutMs ?? 15_000);
  try {
    await smtp.expect([220]);
    const name = options.clientName ?? 'localhost';
    let ehlo = await smtp.expect([250], `EHLO ${name}`);
    if (options.security === 'starttls') {
      await smtp.expect([220], 'STARTTLS');
      smtp.attach(await upgrade(smtp.current, options.host));
      ehlo = await smtp.expect([250], `EHLO ${name}`);
    }
    if (options.user !== undefined) {
      const auth = ehlo.lines.find((l) => /^AUTH\b/i.test(l))?.toUpperCase() ?? '';
      if (/\bPLAIN\b/.test(auth) || !/\bLOGIN\b/.test(auth)) {
        const credentials = Buffer.from(`\u0000${options.user}\u0000${options.password ?? ''}`).toString(
          'base64',
        );
        await smtp.expect([235], `AUTH PLAIN ${credentials}`);
      } else {
        await smtp.expect([334], 'AUTH LOGIN');
        await smtp.expect([334], Buffer.from(options.user).toString('base64'));
        await smtp.expect([235], Buffer.from(options.password ?? '').toString('base64'));
      }
    }
    await smtp.expect([250], `MAIL FROM:<${envelope.from}>`);
    for (const to of envelope.to) await smtp.expect([250, 251], `RCPT TO:<${to}>`);
    await smtp.expect([354], 'DATA');
    await smtp.expect([250], dotStuff(message));
    await smtp.expect([221], 'QUIT').catch(() => undefined);
  } finally {
    smtp.current.destroy();
  }
}
