import { BadRequestException, HttpException, HttpStatus, UnprocessableEntityException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestOrigin, trustedProxiesOf } from './client-address';

export const MAX_HITS = 1000;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/**
 * The Link header echoes the request's query twice; clients (Node's fetch, browsers behind nginx) refuse response
 * headers past 16 KB in total, so a Link that would not fit is refused instead of sent.
 */
export const MAX_LINK_HEADER_LENGTH = 8192;

export interface PageRequest {
  offset: number;
  limit: number;
}

/** Cursor = base64 of `o=<offset>&r=0&p=0`, as GlitchTip's paginator writes it. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o=${offset}&r=0&p=0`).toString('base64');
}

export function parsePage(query: Record<string, unknown>): PageRequest {
  const rawLimit = Number(query.limit);
  const limit = Number.isInteger(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, MAX_LIMIT) : DEFAULT_LIMIT;
  let offset = 0;
  if (typeof query.cursor === 'string' && query.cursor) {
    const decoded = Buffer.from(query.cursor, 'base64').toString('utf8');
    const match = /(?:^|&)o=(\d+)/.exec(decoded);
    if (match) offset = Number(match[1]);
    // Past 2^53 the number is not the one asked for (and PostgreSQL's bigint OFFSET ends soon after).
    if (!Number.isSafeInteger(offset))
      throw new UnprocessableEntityException({
        detail: [{ type: 'value_error', loc: ['query', 'cursor'], msg: 'Cursor offset out of range' }],
      });
  }
  return { offset, limit };
}

/**
 * The scheme and host the client used (a trusted proxy's forwarded ones), for absolute URLs; a malformed Host is
 * a 400 rather than echoed into a header.
 */
export function requestBaseUrl(req: Request): string {
  const origin = requestOrigin(req, trustedProxiesOf(req));
  if (!origin) throw new BadRequestException({ detail: 'Invalid or missing Host header' });
  return origin;
}

/**
 * Sets Link (both rels, with `results` and `cursor`), X-Hits and X-Max-Hits, which GlitchTip's web UI requires
 * on every list, even a single page.
 */
export function setPaginationHeaders(req: Request, res: Response, page: PageRequest, total: number): void {
  // Only the path and query come from the request line: an absolute-form target (`GET http://other/...`) or a `//`
  // path must not choose the host of the links.
  const requested = new URL(req.originalUrl, 'http://request.invalid');
  const url = new URL(requestBaseUrl(req));
  url.pathname = requested.pathname;
  url.search = requested.search;
  const link = (rel: 'previous' | 'next', offset: number, exists: boolean): string => {
    const cursor = encodeCursor(Math.max(0, offset));
    url.searchParams.set('cursor', cursor);
    return `<${url.toString()}>; rel="${rel}"; results="${exists}"; cursor="${cursor}"`;
  };
  const hasPrevious = page.offset > 0;
  const hasNext = page.offset + page.limit < total;
  const value = `${link('previous', page.offset - page.limit, hasPrevious)}, ${link('next', page.offset + page.limit, hasNext)}`;
  if (value.length > MAX_LINK_HEADER_LENGTH)
    throw new HttpException(
      { detail: 'The query string is too long to paginate; shorten the search or the filters' },
      HttpStatus.URI_TOO_LONG,
    );
  res.setHeader('Link', value);
  res.setHeader('X-Hits', String(Math.min(total, MAX_HITS)));
  res.setHeader('X-Max-Hits', String(MAX_HITS));
}
