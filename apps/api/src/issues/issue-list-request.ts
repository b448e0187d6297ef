import { BadRequestException } from '@nestjs/common';
import { IssueFilter, IssueSort, IssueSortField, parseIssueQuery, ParsedIssueQuery } from '@app/issues';
import { PageRequest, parsePage } from '../common/pagination';
import { queryError, queryList } from '../common/validation.pipe';

/** `sort` values: GlitchTip's names, with `-` for descending, plus Sentry's aliases (`date`, `new`, `freq`). */
const SORT_FIELDS: Record<string, IssueSortField> = {
  last_seen: 'last_seen',
  first_seen: 'first_seen',
  count: 'count',
  priority: 'priority',
  date: 'last_seen',
  new: 'first_seen',
  freq: 'count',
};
export const SORT_VALUES = [
  '-last_seen',
  'last_seen',
  '-first_seen',
  'first_seen',
  '-count',
  'count',
  '-priority',
  'priority',
];
/** Longest `query` (search) accepted. */
export const MAX_SEARCH_LENGTH = 2000;

/** Sentry's aliases sort newest / most first. */
const DESCENDING_ALIASES = new Set(['date', 'new', 'freq']);

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Dates the lists accept: what PostgreSQL and ISO 8601 (four-digit years) both represent, and events can have. */
export const EARLIEST_DATE = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_DATE = new Date('9999-12-31T23:59:59.999Z');
const LONGEST_PERIOD_MS = LATEST_DATE.getTime() - EARLIEST_DATE.getTime();

/** `now` minus a period; a period reaching before 1970 means "since the beginning", one longer than 1970..9999 is a 422. */
function periodStart(name: string, amount: string, unit: string, now: Date): Date {
  const ms = Number(amount) * UNIT_MS[unit]!;
  if (!(ms <= LONGEST_PERIOD_MS))
    throw queryError(name, 'Period should be at most 8029 years (1970 to 9999)');
  return new Date(Math.max(now.getTime() - ms, EARLIEST_DATE.getTime()));
}

/** `now`, `now-15m`, `now-2h`, `now-7d` (GlitchTip's relative forms) or an ISO 8601 date in 1970..9999. */
export function parseDateParam(name: string, value: unknown, now = new Date()): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim();
  if (text === 'now') return now;
  const relative = /^now\s*-\s*(\d+)\s*([mhd])$/.exec(text);
  if (relative) return periodStart(name, relative[1]!, relative[2]!, now);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw queryError(name, 'Input should be a valid datetime');
  if (date < EARLIEST_DATE || date > LATEST_DATE)
    throw queryError(name, 'Input should be a datetime between 1970-01-01 and 9999-12-31');
  return date;
}

/** `statsPeriod` such as `24h`, `14d`, `90d`, `30m`, `2w`: the window ending now. */
export function parseStatsPeriod(value: unknown, now = new Date()): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const match = /^(\d+)([smhdw])$/.exec(String(value).trim());
  if (!match) throw queryError('statsPeriod', 'Expected a period such as 24h or 14d');
  return periodStart('statsPeriod', match[1]!, match[2]!, now);
}

export function parseSort(value: unknown): IssueSort {
  const text = value === undefined || value === '' ? '-last_seen' : String(value);
  const descending = text.startsWith('-');
  const name = descending ? text.slice(1) : text;
  const field = SORT_FIELDS[name];
  if (!field) throw queryError('sort', `Input should be ${SORT_VALUES.map((v) => `'${v}'`).join(', ')}`);
  return { field, descending: descending || DESCENDING_ALIASES.has(name) };
}

/** A query value given as `key` or `key[]`. */
export function listParam(query: Record<string, unknown>, key: string): string[] {
  return [...queryList(query[key]), ...queryList(query[`${key}[]`])];
}

export interface IssueSelection {
  /** Everything but the projects, which the caller scopes. */
  filter: Omit<IssueFilter, 'projectIds' | 'eventIssueId'>;
  parsed: ParsedIssueQuery;
  /** Requested project ids (`project`), to intersect with the caller's projects. */
  projectIds: string[];
}

/** The selection parameters shared by the issue lists and the bulk actions. */
export function parseIssueSelection(query: Record<string, unknown>): IssueSelection {
  const ids = listParam(query, 'id');
  for (const id of ids) if (!/^\d{1,18}$/.test(id)) throw queryError('id', 'Input should be a valid integer');
  const projectIds = listParam(query, 'project');
  for (const id of projectIds)
    if (!/^-?\d{1,18}$/.test(id)) throw queryError('project', 'Input should be a valid integer');
  const start = parseDateParam('start', query.start) ?? parseStatsPeriod(query.statsPeriod);
  const end = parseDateParam('end', query.end);
  const search = typeof query.query === 'string' ? query.query : '';
  // Lists echo the search twice into the Link header, which has to stay readable.
  if (search.length > MAX_SEARCH_LENGTH)
    throw queryError(
      'query',
      `String should have at most ${MAX_SEARCH_LENGTH} characters`,
      'string_too_long',
    );
  const parsed = parseIssueQuery(search);
  return {
    filter: {
      ids,
      environments: listParam(query, 'environment'),
      start,
      end,
      terms: parsed.terms,
    },
    parsed,
    // Sentry's "all projects" is -1.
    projectIds: projectIds.filter((id) => id !== '-1'),
  };
}

/** The query keys that select issues; a bulk action needs at least one. */
export const SELECTION_KEYS = [
  'id',
  'id[]',
  'query',
  'project',
  'project[]',
  'environment',
  'environment[]',
  'start',
  'end',
  'statsPeriod',
];

/** The issue lists' query string (`@Query() request: IssueListRequest`), parsed once by the validation pipe. */
export class IssueListRequest {
  selection: IssueSelection;
  sort: IssueSort;
  page: PageRequest;

  static fromQuery(query: Record<string, unknown>): IssueListRequest {
    return Object.assign(new IssueListRequest(), {
      selection: parseIssueSelection(query),
      sort: parseSort(query.sort),
      page: parsePage(query),
    });
  }
}

/** The bulk actions' query string: the list's selection, of which at least one key must be given. */
export class IssueSelectionRequest {
  selection: IssueSelection;

  static fromQuery(query: Record<string, unknown>): IssueSelectionRequest {
    // A bulk action with no selection at all would hit every issue of the organization: ask for one.
    if (!SELECTION_KEYS.some((key) => key in query))
      throw new BadRequestException({ detail: 'Select issues with id, query or another filter' });
    return Object.assign(new IssueSelectionRequest(), { selection: parseIssueSelection(query) });
  }
}
