import { BadRequestException, HttpException, UnprocessableEntityException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TrustedProxies } from '@app/core';
import { bindTrustedProxies } from './client-address';
import { encodeCursor, MAX_LINK_HEADER_LENGTH, parsePage, setPaginationHeaders } from './pagination';

function request(url: string, headers: Record<string, string>, peer = '198.51.100.4'): Request {
  return { originalUrl: url, headers, socket: { remoteAddress: peer } } as unknown as Request;
}

function response(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => (headers[name] = value) } as never;
}

describe('parsePage', () => {
  it('reads GlitchTip cursors and bounds the limit', () => {
    expect(parsePage({ cursor: encodeCursor(150), limit: '999' })).toEqual({ offset: 150, limit: 200 });
    expect(parsePage({ cursor: 'not base64 at all' })).toEqual({ offset: 0, limit: 50 });
  });

  it('answers 422 for a cursor offset past what a number can hold', () => {
    const cursor = Buffer.from(`o=${'9'.repeat(30)}&r=0&p=0`).toString('base64');
    expect(() => parsePage({ cursor })).toThrow(UnprocessableEntityException);
  });
});

describe('setPaginationHeaders', () => {
  const page = { offset: 0, limit: 2 };

  it('writes absolute links on the host the client used', () => {
    const res = response();
    setPaginationHeaders(request('/api/0/x/?limit=2', { host: 'errors.example.com' }), res, page, 5);
    expect(res.headers.Link).toContain('<http://errors.example.com/api/0/x/?limit=2&cursor=');
    expect(res.headers['X-Hits']).toBe('5');
  });

  it('follows a trusted proxy, and only a trusted one', () => {
    const headers = {
      host: 'internal',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'errors.example.com',
    };
    const direct = response();
    setPaginationHeaders(request('/a/', headers, '10.0.0.2'), direct, page, 1);
    expect(direct.headers.Link).toContain('<http://internal/a/');
    const req = request('/a/', headers, '10.0.0.2');
    bindTrustedProxies(req, TrustedProxies.parse('10.0.0.0/8'));
    const proxied = response();
    setPaginationHeaders(req, proxied, page, 1);
    expect(proxied.headers.Link).toContain('<https://errors.example.com/a/');
  });

  it('takes only the path and query from an absolute-form request target', () => {
    const res = response();
    setPaginationHeaders(request('http://evil.example/a/?q=1', { host: 'errors.example.com' }), res, page, 5);
    expect(res.headers.Link).toContain('<http://errors.example.com/a/?q=1&cursor=');
    expect(res.headers.Link).not.toContain('evil');
  });

  it('answers 400 for a malformed Host instead of echoing it', () => {
    expect(() => setPaginationHeaders(request('/a/', { host: 'x"><y' }), response(), page, 1)).toThrow(
      BadRequestException,
    );
  });

  it('answers 414 rather than send a Link header past the bound', () => {
    const res = response();
    const long = `/a/?q=${'z'.repeat(MAX_LINK_HEADER_LENGTH / 2)}`;
    let error: unknown;
    try {
      setPaginationHeaders(request(long, { host: 'h' }), res, page, 1);
    } catch (e) {
      error = e;
    }
    expect((error as HttpException).getStatus()).toBe(414);
    expect(res.headers.Link).toBeUndefined();
  });
});
