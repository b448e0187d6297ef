import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/core';
import { SmtpSink } from '../../../test/support/smtp-sink';
import { parseEmailUrl } from './email-url';
import { simpleParser } from 'mailparser';
import { composeMessage, MailService } from './mail.service';
import { dotStuff } from './smtp-client';

describe('EMAIL_URL', () => {
  it("understands django-environ's schemes", () => {
    expect(parseEmailUrl('consolemail://')).toEqual({ kind: 'console' });
    expect(parseEmailUrl('dummymail://')).toEqual({ kind: 'dummy' });
    expect(parseEmailUrl('filemail:///var/mail/gt')).toEqual({ kind: 'file', dir: '/var/mail/gt' });
    expect(parseEmailUrl('smtp://mail.example.com')).toEqual({
      kind: 'smtp',
      host: 'mail.example.com',
      port: 25,
      security: 'none',
    });
    expect(parseEmailUrl('smtp+tls://me%40example.com:p%40ss@mail.example.com')).toEqual({
      kind: 'smtp',
      host: 'mail.example.com',
      port: 587,
      security: 'starttls',
      user: 'me@example.com',
      password: 'p@ss',
    });
    expect(parseEmailUrl('smtps://u:p@mail.example.com:2525')).toMatchObject({
      port: 2525,
      security: 'starttls',
    });
    expect(parseEmailUrl('smtp+ssl://u:p@mail.example.com')).toMatchObject({ port: 465, security: 'tls' });
    expect(parseEmailUrl('smtp://mail.example.com:465?ssl=True')).toMatchObject({
      port: 465,
      security: 'tls',
    });
  });
});

describe('composing and sending mail', () => {
  it('writes a UTF-8 message whose every line is safe in an SMTP DATA section', () => {
    const message = composeMessage('GlitchTip <errors@example.com>', {
      to: 'zoë@example.com',
      subject: 'Réinitialisation',
      text: '.leading dot\nsecond line',
    });
    expect(message).toContain('Subject: =?utf-8?B?');
    expect(message).toContain('Message-ID: <');
    expect(message).toContain('@example.com>');
    expect(dotStuff('a\n.b\n..c')).toBe('a\r\n..b\r\n...c\r\n.');
  });

  it('composes text and HTML as multipart/alternative that a MIME parser reads back', async () => {
    const raw = composeMessage('GlitchTip <errors@example.com>', {
      to: 'dev@example.com',
      subject: 'Error in Backend: TypeError',
      text: 'Plain ✓\n.second line',
      html: '<p>Rich ✓</p>',
    });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Error in Backend: TypeError');
    expect(parsed.text?.trim()).toBe('Plain ✓\n.second line');
    expect(parsed.html).toBe('<p>Rich ✓</p>');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });

  it('delivers over SMTP with AUTH PLAIN, and with AUTH LOGIN when that is all the server offers', async () => {
    for (const mechanisms of ['PLAIN LOGIN', 'LOGIN']) {
      const sink = await SmtpSink.start({ authMechanisms: mechanisms });
      try {
        const config = loadConfig({
          EMAIL_URL: `smtp://mailer:s%3Acret@127.0.0.1:${sink.port}`,
          DEFAULT_FROM_EMAIL: 'GlitchTip <errors@example.com>',
        });
        await new MailService(config).send({
          to: 'user@example.com',
          subject: 'Hello ✓',
          text: 'Line one\n.two',
        });
        const mail = await sink.waitFor(() => true);
        expect(mail.auth).toEqual(['mailer', 's:cret']);
        expect(mail.from).toBe('errors@example.com');
        expect(mail.to).toEqual(['user@example.com']);
        expect(mail.headers.subject).toBe('Hello ✓');
        expect(mail.text).toBe('Line one\n.two');
      } finally {
        await sink.close();
      }
    }
  });

  it('rejects when the SMTP server is unreachable, and writes .eml files for filemail://', async () => {
    const unreachable = new MailService(loadConfig({ EMAIL_URL: 'smtp://127.0.0.1:1' }));
    await expect(unreachable.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow();

    const dir = await mkdtemp(join(tmpdir(), 'gt-mail-'));
    try {
      await new MailService(loadConfig({ EMAIL_URL: `filemail://${dir}` })).send({
        to: 'a@example.com',
        subject: 'Saved',
        text: 'body',
      });
      const [file] = await readdir(dir);
      expect(await readFile(join(dir, file!), 'utf8')).toContain('Subject: Saved');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
