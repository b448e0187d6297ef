import type { IncomingMessage } from 'node:http';
import { TrustedProxies } from '@app/core';
import {
  bindTrustedProxies,
  clientIp,
  isValidHost,
  requestHost,
  requestIsHttps,
  requestOrigin,
  trustedProxiesOf,
} from './client-address';

function request(peer: string, headers: Record<string, string | string[]> = {}, encrypted = false) {
  return { socket: { remoteAddress: peer, encrypted }, headers } as unknown as IncomingMessage;
}

const none = TrustedProxies.none();
const proxies = TrustedProxies.parse('10.0.0.0/8, fd00::/8');

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    const spoofed = request('198.51.100.4', { 'x-forwarded-for': '203.0.113.9' });
    expect(clientIp(spoofed, none)).toBe('198.51.100.4');
    expect(clientIp(spoofed, proxies)).toBe('198.51.100.4');
  });

  it('walks X-Forwarded-For from the right, skipping trusted hops, ignoring what the client wrote', () => {
    const chain = request('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.7' });
    expect(clientIp(chain, proxies)).toBe('203.0.113.9');
    // Repeated headers count as one list, in order.
    const repeated = request('10.0.0.2', { 'x-forwarded-for': ['6.6.6.6', '203.0.113.9'] });
    expect(clientIp(repeated, proxies)).toBe('203.0.113.9');
  });

  it('uses the peer when a trusted proxy sends no header, and the leftmost when every hop is trusted', () => {
    expect(clientIp(request('10.0.0.2'), proxies)).toBe('10.0.0.2');
    expect(clientIp(request('10.0.0.2', { 'x-forwarded-for': '10.9.9.9, 10.0.0.3' }), proxies)).toBe(
      '10.9.9.9',
    );
  });

  it('stops at junk a trusted proxy passed on, and strips ports and brackets', () => {
    expect(clientIp(request('10.0.0.2', { 'x-forwarded-for': 'unknown, 10.0.0.3' }), proxies)).toBe(
      '10.0.0.3',
    );
    expect(clientIp(request('10.0.0.2', { 'x-forwarded-for': '203.0.113.9:4711' }), proxies)).toBe(
      '203.0.113.9',
    );
    expect(clientIp(request('10.0.0.2', { 'x-forwarded-for': '[2001:db8::1]:443' }), proxies)).toBe(
      '2001:db8::1',
    );
  });

  it('handles IPv6 and IPv4-mapped IPv6 peers', () => {
    expect(clientIp(request('::ffff:10.0.0.2', { 'x-forwarded-for': '2001:db8::7' }), proxies)).toBe(
      '2001:db8::7',
    );
    expect(clientIp(request('fd00::1', { 'x-forwarded-for': '::ffff:203.0.113.9' }), proxies)).toBe(
      '203.0.113.9',
    );
    expect(clientIp(request('::ffff:198.51.100.4'), none)).toBe('198.51.100.4');
  });
});

describe('scheme, host and origin', () => {
  it('believes X-Forwarded-Proto and -Host only from a trusted proxy', () => {
    const headers = {
      host: 'internal:8000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'errors.example.com',
    };
    const direct = request('198.51.100.4', headers);
    expect(requestIsHttps(direct, proxies)).toBe(false);
    expect(requestHost(direct, proxies)).toBe('internal:8000');
    expect(requestOrigin(direct, none)).toBe('http://internal:8000');
    const proxied = request('10.0.0.2', headers);
    expect(requestIsHttps(proxied, proxies)).toBe(true);
    expect(requestOrigin(proxied, proxies)).toBe('https://errors.example.com');
    // The first value is the one the client-facing proxy wrote.
    expect(
      requestIsHttps(request('10.0.0.2', { host: 'x', 'x-forwarded-proto': 'http, https' }), proxies),
    ).toBe(false);
  });

  it('is HTTPS on a TLS socket whatever the headers say', () => {
    expect(requestIsHttps(request('198.51.100.4', { 'x-forwarded-proto': 'http' }, true), none)).toBe(true);
  });

  it('gives no host (so no URL) for a missing or malformed Host', () => {
    for (const host of ['evil.com/path', 'a b', 'x"><script>', 'host:port', '[zz::1]', '', 'a'.repeat(300)])
      expect([host, requestOrigin(request('198.51.100.4', { host }), none)]).toEqual([host, null]);
    expect(requestOrigin(request('198.51.100.4'), none)).toBeNull();
    expect(
      requestHost(request('10.0.0.2', { host: 'ok', 'x-forwarded-host': 'bad host' }), proxies),
    ).toBeNull();
  });

  it('accepts names, ports, IPv4 and bracketed IPv6', () => {
    for (const host of [
      'localhost',
      'errors.example.com',
      'glitchtip_web:8000',
      '127.0.0.1:8000',
      '[::1]:8000',
      'EXAMPLE.com.',
    ])
      expect([host, isValidHost(host)]).toEqual([host, true]);
  });
});

describe('bindTrustedProxies', () => {
  it('defaults to trusting nobody', () => {
    const req = request('10.0.0.2');
    expect(trustedProxiesOf(req).isEmpty).toBe(true);
    bindTrustedProxies(req, proxies);
    expect(trustedProxiesOf(req)).toBe(proxies);
  });
});
