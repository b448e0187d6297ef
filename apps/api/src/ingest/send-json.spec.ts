import { PassThrough } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { answerLastResort, headerSafeText } from './send-json';

function response(): { res: ServerResponse; written: () => string } {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  res.assignSocket(sink as unknown as Socket);
  return { res, written: () => Buffer.concat(chunks).toString('latin1') };
}

describe('headerSafeText', () => {
  it('escapes everything Node would refuse in a header and keeps printable ASCII', () => {
    expect(headerSafeText('invalid length "☃"')).toBe('invalid length "\\u2603"');
    expect(headerSafeText('a\x01b\r\nc\ufffd')).toBe('a\\u0001b\\u000d\\u000ac\\ufffd');
    expect(headerSafeText('plain text')).toBe('plain text');
  });

  it('bounds the length', () => {
    expect(headerSafeText('x'.repeat(5000))).toHaveLength(200);
    expect(headerSafeText('x'.repeat(5000), 10)).toBe('xxxxxxx...');
    expect(headerSafeText('☃'.repeat(100), 20)).toBe('\\u2603\\u2603...');
  });

  it('produces values Node accepts', () => {
    const { res } = response();
    for (const text of ['\xff', '\x00', '\u2028', 'é', '\ud800']) {
      expect(() => res.setHeader('X-Test', headerSafeText(text))).not.toThrow();
    }
  });
});

describe('answerLastResort', () => {
  it('answers a bare 500 without the headers set before the failure', () => {
    const { res, written } = response();
    res.setHeader('X-Partial', 'yes');
    answerLastResort(res, new Error('boom'));
    expect(written()).toMatch(/^HTTP\/1\.1 500/);
    expect(written()).not.toContain('X-Partial');
    expect(written()).toContain('{"detail":"Internal error"}');
  });

  it('keeps the security headers every answer carries', () => {
    const { res, written } = response();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    answerLastResort(res, new Error('boom'));
    expect(written()).toContain('X-Content-Type-Options: nosniff');
    expect(written()).toContain("Content-Security-Policy: default-src 'none'");
    expect(written()).toContain('X-Frame-Options: DENY');
  });

  it('drops the socket when the answer had already begun', () => {
    const { res } = response();
    res.writeHead(200, { 'Content-Length': '10' });
    res.write('12345');
    answerLastResort(res, new Error('boom'));
    expect(res.destroyed).toBe(true);
  });
});
