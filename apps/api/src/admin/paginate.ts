import { applyDecorators, UnprocessableEntityException } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isUniqueViolation } from '@app/organizations';
import { PageRequest, parsePage, setPaginationHeaders } from '../common/pagination';

/**
 * Cursor pagination of a list: reads `cursor` and `limit`, fetches the page and sets Link (both rels), X-Hits and
 * X-Max-Hits, which every GlitchTip client expects on every list.
 */
export async function paginated<T, R>(
  req: Request,
  res: Response,
  fetch: (page: PageRequest) => Promise<{ items: T[]; total: number }>,
  map: (items: T[]) => R[] | Promise<R[]>,
): Promise<R[]> {
  const page = parsePage(req.query as Record<string, unknown>);
  const { items, total } = await fetch(page);
  setPaginationHeaders(req, res, page, total);
  return map(items);
}

/** `visibility=all|hidden|visible` (default visible); anything else is a 422, as django-ninja answers. */
export function parseVisibility(value: unknown): 'all' | 'hidden' | 'visible' {
  if (value === undefined || value === '') return 'visible';
  if (value === 'all' || value === 'hidden' || value === 'visible') return value;
  throw new UnprocessableEntityException({
    detail: [
      {
        type: 'literal_error',
        loc: ['query', 'visibility'],
        msg: "Input should be 'all', 'hidden' or 'visible'",
      },
    ],
  });
}

/** OpenAPI for a paginated list: the `cursor` and `limit` query parameters. */
export function Paged() {
  return applyDecorators(
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'From the Link header of the previous page (an out-of-range offset is a 422)',
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      type: Number,
      description: 'Page size (default 50, at most 200)',
    }),
  );
}

/** Runs a create that picks a free slug first, again when a concurrent request took that slug in between. */
export async function retryOnSlugRace<T>(create: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= attempts) throw error;
    }
  }
}
