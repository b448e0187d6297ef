import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@app/core';
import { MailTransportConfig, parseEmailUrl } from './email-url';
import { sendSmtp } from './smtp-client';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative of `text`; mail clients that cannot show it show the text. */
  html?: string;
}

/** The bare address of `Name <address>` (or the value itself). */
export function mailAddress(value: string): string {
  return /<([^>]+)>/.exec(value)?.[1]?.trim() ?? value.trim();
}

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?utf-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\r\n');
}

/**
 * An RFC 5322 message in UTF-8, each body base64-encoded so that no line needs escaping: plain text, or
 * multipart/alternative with the text first and the HTML last (the part clients prefer when they can show it).
 */
export function composeMessage(from: string, mail: OutgoingMail, date = new Date()): string {
  const domain = mailAddress(from).split('@')[1] ?? 'localhost';
  const headers = [
    `From: ${encodeHeader(from)}`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${domain}>`,
    'MIME-Version: 1.0',
  ];
  const trailer = ['Auto-Submitted: auto-generated', 'X-Mailer: GlitchTip'];
  const bodyHeaders = (type: string) => [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
  ];
  if (mail.html === undefined)
    return [...headers, ...bodyHeaders('text/plain'), ...trailer, '', base64Lines(mail.text)].join('\r\n');
  const boundary = `=_${randomBytes(12).toString('hex')}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    ...trailer,
    '',
    `--${boundary}`,
    ...bodyHeaders('text/plain'),
    '',
    base64Lines(mail.text),
    `--${boundary}`,
    ...bodyHeaders('text/html'),
    '',
    base64Lines(mail.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** Outgoing mail through EMAIL_URL: the console (default), a directory of .eml files, nowhere, or SMTP. */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');
  private readonly transport: MailTransportConfig;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = parseEmailUrl(config.email.url);
  }

  async send(mail: OutgoingMail): Promise<void> {
    const from = this.config.email.from;
    const message = composeMessage(from, mail);
    switch (this.transport.kind) {
      case 'dummy':
        return;
      case 'console':
        this.logger.log(`To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`);
        return;
      case 'file': {
        await mkdir(this.transport.dir, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}.eml`;
        await writeFile(join(this.transport.dir, name), message);
        return;
      }
      case 'smtp':
        await sendSmtp(
          { ...this.transport, clientName: new URL(this.config.domain).hostname },
          { from: mailAddress(from), to: [mailAddress(mail.to)] },
          message,
        );
        return;
    }
  }

  /** Sends without making the request wait for (or fail with) the mail server; failures are logged. */
  sendLater(mail: OutgoingMail): void {
    this.send(mail).catch((error: Error) =>
      this.logger.error(`Could not send "${mail.subject}" to ${mail.to}: ${error.message}`),
    );
  }
}
