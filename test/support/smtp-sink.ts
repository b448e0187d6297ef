import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** AUTH credentials the client gave, if any (user, password). */
  auth: [string, string] | null;
  headers: Record<string, string>;
  /** The decoded text body. */
  text: string;
  raw: string;
}

function parse(raw: string, from: string, to: string[], auth: [string, string] | null): ReceivedMail {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head!.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  const text =
    headers['content-transfer-encoding'] === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8').replace(/\r\n/g, '\n')
      : body;
  const subject = headers.subject ?? '';
  const encoded = /^=\?utf-8\?B\?(.*)\?=$/i.exec(subject);
  if (encoded) headers.subject = Buffer.from(encoded[1]!, 'base64').toString('utf8');
  return { from, to, auth, headers, text, raw };
}

/**
 * A minimal SMTP server for tests: it accepts everything (EHLO with AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) and keeps
 * the messages, so that tests can read the links that password resets and invitations send.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private listeners: Array<() => void> = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly authMechanisms: string,
  ) {}

  static async start(options: { authMechanisms?: string } = {}): Promise<SmtpSink> {
    const mechanisms = options.authMechanisms ?? 'PLAIN LOGIN';
    const holder: { sink?: SmtpSink } = {};
    const server = createServer((socket) => holder.sink!.converse(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.sink = new SmtpSink(server, (server.address() as AddressInfo).port, mechanisms);
    return holder.sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private converse(socket: Socket): void {
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let auth: [string, string] | null = null;
    let data: string[] | null = null;
    let login: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        if (data) {
          if (line === '.') {
            this.messages.push(parse(data.join('\r\n'), from, to, auth));
            this.listeners.splice(0).forEach((l) => l());
            data = null;
            reply('250 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        if (login) {
          login.push(Buffer.from(line, 'base64').toString('utf8'));
          if (login.length === 1) reply('334 UGFzc3dvcmQ6');
          else {
            auth = [login[0]!, login[1]!];
            login = null;
            reply('235 ok');
          }
          continue;
        }
        const [verb = '', ...args] = line.split(' ');
        switch (verb.toUpperCase()) {
          case 'EHLO':
          case 'HELO':
            socket.write(`250-sink\r\n250-AUTH ${this.authMechanisms}\r\n250 8BITMIME\r\n`);
            break;
          case 'AUTH':
            if (args[0]?.toUpperCase() === 'PLAIN') {
              const [, user = '', password = ''] = Buffer.from(args[1] ?? '', 'base64')
                .toString('utf8')
                .split('\u0000');
              auth = [user, password];
              reply('235 ok');
            } else {
              login = [];
              reply('334 VXNlcm5hbWU6');
            }
            break;
          case 'MAIL':
            from = /<(.*)>/.exec(line)?.[1] ?? '';
            to = [];
            reply('250 ok');
            break;
          case 'RCPT':
            to.push(/<(.*)>/.exec(line)?.[1] ?? '');
            reply('250 ok');
            break;
          case 'DATA':
            data = [];
            reply('354 go ahead');
            break;
          case 'QUIT':
            reply('221 bye');
            socket.end();
            break;
          default:
            reply('250 ok');
        }
      }
    });
    socket.on('error', () => undefined);
  }

  /** Waits for a message matching `predicate` (already received or still to come). */
  async waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching mail among ${this.messages.length} received`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The first http(s) link in a mail. */
export function linkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in mail "${mail.headers.subject}"`);
  return match[0];
}
