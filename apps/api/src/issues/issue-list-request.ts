import { IssueFilter, IssueSort, IssueSortField, parseIssueQuery, ParsedIssueQuery } from '@app/issues';
import { queryError, queryList } from './validation';

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
/** Sentry's aliases sort newest / most first. */
const DESCENDING_ALIASES = new Set(['date', 'new', 'freq']);

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `now`, `now-15m`, `now-2h`, `now-7d` (GlitchTip's relative forms) or an ISO 8601 date. */
export function parseDateParam(name: string, value: unknown, now = new Date()): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim();
  if (text === 'now') return now;
  const relative = /^now\s*-\s*(\d+)\s*([mhd])$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw queryError(name, 'Input should be a valid datetime');
  return date;
}

/** `statsPeriod` such as `24h`, `14d`, `90d`, `30m`, `2w`: the window ending now. */
export function parseStatsPeriod(value: unknown, now = new Date()): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const match = /^(\d+)([smhdw])$/.exec(String(value).trim());
  if (!match) throw queryError('statsPeriod', 'Expected a period such as 24h or 14d');
  return new Date(now.getTime() - Number(match[1]) * UNIT_MS[match[2]!]!);
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
  const parsed = parseIssueQuery(typeof query.query === 'string' ? query.query : '');
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
