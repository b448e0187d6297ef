import type { Request, Response } from 'express';

export const MAX_HITS = 1000;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

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
  }
  return { offset, limit };
}

/** The absolute URL the client used, honouring a reverse proxy's forwarded host and scheme. */
export function requestBaseUrl(req: Request): string {
  const proto = (req.get('x-forwarded-proto') ?? req.protocol).split(',')[0]!.trim();
  const host = (req.get('x-forwarded-host') ?? req.get('host') ?? 'localhost').split(',')[0]!.trim();
  return `${proto}://${host}`;
}

/**
 * Sets Link (both rels, with `results` and `cursor`), X-Hits and X-Max-Hits, which GlitchTip's web UI requires
 * on every list, even a single page.
 */
export function setPaginationHeaders(req: Request, res: Response, page: PageRequest, total: number): void {
  const url = new URL(req.originalUrl, requestBaseUrl(req));
  const link = (rel: 'previous' | 'next', offset: number, exists: boolean): string => {
    const cursor = encodeCursor(Math.max(0, offset));
    url.searchParams.set('cursor', cursor);
    return `<${url.toString()}>; rel="${rel}"; results="${exists}"; cursor="${cursor}"`;
  };
  const hasPrevious = page.offset > 0;
  const hasNext = page.offset + page.limit < total;
  res.setHeader(
    'Link',
    `${link('previous', page.offset - page.limit, hasPrevious)}, ${link('next', page.offset + page.limit, hasNext)}`,
  );
  res.setHeader('X-Hits', String(Math.min(total, MAX_HITS)));
  res.setHeader('X-Max-Hits', String(MAX_HITS));
}
