import type { IncomingHttpHeaders } from 'node:http';

import { extractSentryKey, normalizePublicKey, parseDsn } from './auth';
import { IngestError } from './errors';

const KEY = '0123456789abcdef0123456789abcdef';
const OTHER_KEY = 'fedcba9876543210fedcba9876543210';

function keyOf(query: string, headers: IncomingHttpHeaders = {}): string | null {
  return extractSentryKey(new URLSearchParams(query), headers);
}

function authError(query: string, headers: IncomingHttpHeaders): IngestError {
  try {
    keyOf(query, headers);
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

describe('extractSentryKey', () => {
  describe('query string', () => {
    it('reads sentry_key as the JS SDKs send it', () => {
      expect(keyOf(`sentry_version=7&sentry_key=${KEY}&sentry_client=sentry.javascript.node%2F11.12.0`)).toBe(
        KEY,
      );
    });

    it('reads glitchtip_key', () => {
      expect(keyOf(`glitchtip_key=${KEY}`)).toBe(KEY);
    });

    it('prefers sentry_key over glitchtip_key', () => {
      expect(keyOf(`glitchtip_key=${OTHER_KEY}&sentry_key=${KEY}`)).toBe(KEY);
    });

    it('ignores an empty sentry_key and keeps looking', () => {
      expect(keyOf('sentry_key=', { 'x-sentry-auth': `Sentry sentry_key=${KEY}` })).toBe(KEY);
    });

    it('wins over headers when both are present (lenient, unlike Relay)', () => {
      expect(keyOf(`sentry_key=${KEY}`, { 'x-sentry-auth': `Sentry sentry_key=${OTHER_KEY}` })).toBe(KEY);
    });
  });

  describe('X-Sentry-Auth', () => {
    it('reads the header sentry-python sends', () => {
      const header = `Sentry sentry_key=${KEY}, sentry_version=7, sentry_client=sentry.python/1.9.10`;
      expect(keyOf('', { 'x-sentry-auth': header })).toBe(KEY);
    });

    it('accepts any case of the prefix and loose whitespace', () => {
      const header = `  sENTRY\tsentry_version = 7 ,   sentry_key =  ${KEY}  ,sentry_client=x`;
      expect(keyOf('', { 'x-sentry-auth': header })).toBe(KEY);
    });

    it('accepts the header without the Sentry prefix', () => {
      expect(keyOf('', { 'x-sentry-auth': `sentry_key=${KEY}, sentry_version=7` })).toBe(KEY);
    });

    it('accepts glitchtip_key and a quoted value', () => {
      expect(keyOf('', { 'x-sentry-auth': `Sentry glitchtip_key=${KEY}` })).toBe(KEY);
      expect(keyOf('', { 'x-sentry-auth': `Sentry sentry_key="${KEY}"` })).toBe(KEY);
    });

    it('takes the first key when a proxy joined two headers', () => {
      const joined = `Sentry sentry_key=${KEY}, sentry_version=7, Sentry sentry_key=${OTHER_KEY}`;
      expect(keyOf('', { 'x-sentry-auth': joined })).toBe(KEY);
      expect(keyOf('', { 'x-sentry-auth': [`Sentry sentry_key=${OTHER_KEY}`, 'x'] })).toBe(OTHER_KEY);
    });

    it('is preferred over Authorization', () => {
      const headers = {
        'x-sentry-auth': `Sentry sentry_key=${KEY}`,
        authorization: `Sentry sentry_key=${OTHER_KEY}`,
      };
      expect(keyOf('', headers)).toBe(KEY);
    });

    it('answers 401 when the header names no key', () => {
      for (const header of ['Sentry sentry_version=7, sentry_client=x', 'Sentry sentry_key=', 'Sentry', '']) {
        const error = authError('', { 'x-sentry-auth': header });
        expect(error.status).toBe(401);
        expect(error.detail).toMatch(/X-Sentry-Auth/);
      }
    });

    it('lets a valid Authorization header rescue a keyless X-Sentry-Auth', () => {
      const headers = {
        'x-sentry-auth': 'Sentry sentry_version=7',
        authorization: `Sentry sentry_key=${KEY}`,
      };
      expect(keyOf('', headers)).toBe(KEY);
    });

    it('is not consulted when the query has a key', () => {
      expect(keyOf(`sentry_key=${KEY}`, { 'x-sentry-auth': 'garbage' })).toBe(KEY);
    });
  });

  describe('Authorization', () => {
    it('reads the Sentry scheme', () => {
      expect(keyOf('', { authorization: `Sentry sentry_key=${KEY}, sentry_version=7` })).toBe(KEY);
      expect(keyOf('', { authorization: `SENTRY   sentry_version=7,sentry_key=${KEY}` })).toBe(KEY);
      expect(keyOf('', { authorization: `sentry glitchtip_key=${KEY}` })).toBe(KEY);
    });

    it('answers 401 for a Sentry scheme without a key', () => {
      const error = authError('', { authorization: 'Sentry sentry_version=7' });
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/Authorization/);
    });

    it('reads Basic base64(key:secret)', () => {
      const basic = Buffer.from(`${KEY}:secret`).toString('base64');
      expect(keyOf('', { authorization: `Basic ${basic}` })).toBe(KEY);
      expect(keyOf('', { authorization: `basic  ${basic} ` })).toBe(KEY);
    });

    it('reads Basic without a secret', () => {
      expect(keyOf('', { authorization: `Basic ${Buffer.from(KEY).toString('base64')}` })).toBe(KEY);
    });

    it('returns null for Basic with an empty user and for other schemes', () => {
      expect(keyOf('', { authorization: `Basic ${Buffer.from(':secret').toString('base64')}` })).toBeNull();
      expect(keyOf('', { authorization: 'Bearer abcdef' })).toBeNull();
      expect(keyOf('', { authorization: 'Sentryfoo sentry_key=abc' })).toBeNull();
    });
  });

  it('returns null when there is no auth anywhere', () => {
    expect(keyOf('', {})).toBeNull();
    expect(
      keyOf('sentry_version=7&sentry_client=x', { 'user-agent': 'sentry.javascript.node/11.12.0' }),
    ).toBeNull();
  });
});

describe('normalizePublicKey', () => {
  it('keeps 32 lowercase hex characters', () => {
    expect(normalizePublicKey(KEY)).toBe(KEY);
  });

  it('lowercases hex keys', () => {
    expect(normalizePublicKey(KEY.toUpperCase())).toBe(KEY);
  });

  it('accepts dashed UUIDs in any case', () => {
    expect(normalizePublicKey('01234567-89AB-cdef-0123-456789ABCDEF')).toBe(KEY);
  });

  it('drops Relay-style flags after a dot', () => {
    expect(normalizePublicKey(`${KEY}.no-cache`)).toBe(KEY);
    expect(normalizePublicKey('01234567-89ab-cdef-0123-456789abcdef.no-cache')).toBe(KEY);
  });

  it('rejects anything else', () => {
    for (const bad of [
      '',
      'publickey',
      KEY.slice(1),
      `${KEY}0`,
      `${KEY.slice(1)}g`,
      '0123456789abcdef-0123-4567-89abcdef',
      '01234567-89ab-cdef-0123-456789abcdeg',
      `{${KEY}}`,
      `.${KEY}`,
      ` ${KEY}`,
    ]) {
      expect(normalizePublicKey(bad)).toBeNull();
    }
  });
});

describe('parseDsn', () => {
  it('parses the DSN shape SDKs use', () => {
    expect(parseDsn(`https://${KEY}@o1.ingest.example.com/42`)).toEqual({
      publicKey: KEY,
      projectId: '42',
      host: 'o1.ingest.example.com',
    });
  });

  it('ignores a secret and keeps a non-default port', () => {
    expect(parseDsn(`http://${KEY}:oldsecret@127.0.0.1:8010/1`)).toEqual({
      publicKey: KEY,
      projectId: '1',
      host: '127.0.0.1:8010',
    });
  });

  it('drops the default port', () => {
    expect(parseDsn(`https://${KEY}@errors.example.com:443/7`)?.host).toBe('errors.example.com');
  });

  it('takes the last path segment as the project id', () => {
    expect(parseDsn(`https://${KEY}@host/sentry/errors/42`)).toMatchObject({ projectId: '42', host: 'host' });
  });

  it('tolerates a trailing slash and surrounding whitespace', () => {
    expect(parseDsn(` https://${KEY}@host/42/ `)?.projectId).toBe('42');
  });

  it('handles IPv6 hosts and non-hex keys', () => {
    expect(parseDsn('http://publickey@[::1]:9000/3')).toEqual({
      publicKey: 'publickey',
      projectId: '3',
      host: '[::1]:9000',
    });
  });

  it('URL-decodes the key', () => {
    expect(parseDsn('https://my%5Fkey@host/1')?.publicKey).toBe('my_key');
  });

  it('returns null for unusable DSNs', () => {
    for (const bad of [
      '',
      'not a dsn',
      `ftp://${KEY}@host/1`,
      'https://host/1',
      `https://${KEY}@host/`,
      `https://${KEY}@host`,
      `https://${KEY}@host/abc`,
      `https://${KEY}@host/1a`,
      `https://:secret@host/1`,
    ]) {
      expect(parseDsn(bad)).toBeNull();
    }
  });
});
