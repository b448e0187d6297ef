import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { TrustedProxies } from '@app/core';
import { bindTrustedProxies } from '../common/client-address';
import {
  API_CSP,
  applySecurityHeaders,
  DOCS_CSP,
  HSTS_VALUE,
  securityHeaders,
  servedOverHttps,
} from './security-headers';

function exchange(url: string, encrypted = false): { req: IncomingMessage; res: ServerResponse } {
  const socket = new Socket();
  if (encrypted) Object.assign(socket, { encrypted: true });
  const req = new IncomingMessage(socket);
  req.url = url;
  return { req, res: new ServerResponse(req) };
}

describe('servedOverHttps', () => {
  it('is true on a TLS socket only', () => {
    expect(servedOverHttps(exchange('/', true).req)).toBe(true);
    expect(servedOverHttps(exchange('/').req)).toBe(false);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const forwarded = () => {
      const { req } = exchange('/');
      Object.defineProperty(req.socket, 'remoteAddress', { value: '10.0.0.5' });
      req.headers['x-forwarded-proto'] = 'https';
      return req;
    };
    expect(servedOverHttps(forwarded())).toBe(false);
    const fromProxy = forwarded();
    bindTrustedProxies(fromProxy, TrustedProxies.parse('10.0.0.0/8'));
    expect(servedOverHttps(fromProxy)).toBe(true);
    const elsewhere = forwarded();
    bindTrustedProxies(elsewhere, TrustedProxies.parse('192.168.0.1'));
    expect(servedOverHttps(elsewhere)).toBe(false);
  });
});

describe('applySecurityHeaders', () => {
  it('sets the common headers and the strict CSP on API answers', () => {
    const { req, res } = exchange('/api/0/organizations/?cursor=x');
    applySecurityHeaders(req, res);
    expect(res.getHeaders()).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'content-security-policy': API_CSP,
    });
  });

  it('gives Swagger UI and its assets their own CSP, but not /api/docs-json', () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs?x=1', '/api/docs/swagger-ui-bundle.js']) {
      const { req, res } = exchange(url);
      applySecurityHeaders(req, res);
      expect([url, res.getHeader('content-security-policy')]).toEqual([url, DOCS_CSP]);
    }
    for (const url of ['/api/docs-json', '/api/docsx', '/api/embed/error-page/']) {
      const { req, res } = exchange(url);
      applySecurityHeaders(req, res);
      expect([url, res.getHeader('content-security-policy')]).toEqual([url, API_CSP]);
    }
  });

  it('adds HSTS over HTTPS only', () => {
    const secure = exchange('/api/0/', true);
    applySecurityHeaders(secure.req, secure.res);
    expect(secure.res.getHeader('strict-transport-security')).toBe(HSTS_VALUE);
    const plain = exchange('/api/0/');
    applySecurityHeaders(plain.req, plain.res);
    expect(plain.res.hasHeader('strict-transport-security')).toBe(false);
  });

  it('lets no page be framed and no API answer load anything', () => {
    expect(API_CSP).toContain("default-src 'none'");
    expect(API_CSP).toContain("frame-ancestors 'none'");
    expect(DOCS_CSP).toContain("frame-ancestors 'none'");
    expect(DOCS_CSP).toContain("script-src 'self'");
    // Swagger UI runs no inline script: only its styles are inline.
    expect(DOCS_CSP).not.toMatch(/script-src[^;]*unsafe/);
  });
});

describe('securityHeaders', () => {
  it('matches what applySecurityHeaders sets, for answers written by hand', () => {
    const { req, res } = exchange('/api/docs', true);
    applySecurityHeaders(req, res);
    const lowerCased = Object.fromEntries(
      Object.entries(securityHeaders('/api/docs', true)).map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(lowerCased).toEqual(res.getHeaders());
  });
});
