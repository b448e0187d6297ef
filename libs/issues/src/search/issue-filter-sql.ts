import { likePattern, SearchTerm, tagLikePattern } from './issue-query';

/** What selects issues, for lists and for bulk actions alike. */
export interface IssueFilter {
  /** The projects to look in, already limited to the caller's organization. Never empty. */
  projectIds: string[];
  ids?: string[];
  /** Any of these values of the `environment` tag. */
  environments?: string[];
  /** Issues seen at or after `start` (last seen) and first seen at or before `end`. */
  start?: Date;
  end?: Date;
  terms?: SearchTerm[];
  /** The issue an event-id query found; `null` when it found none (then nothing matches). */
  eventIssueId?: string | null;
  /** Who `assigned:me` is. */
  currentUserId?: string;
}

/** Positional parameters for raw SQL; `add` returns the `$n` placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

function tagExists(p: SqlParams, key: string, valueCondition: string | null): string {
  return `EXISTS (SELECT 1 FROM issue_tags t WHERE t.issue_id = i.id AND t.key = ${p.add(key)}${
    valueCondition ? ` AND ${valueCondition}` : ''
  })`;
}

function assignedCondition(p: SqlParams, value: string, currentUserId: string | undefined): string {
  if (value === 'none') return 'i.assigned_user_id IS NULL AND i.assigned_team_id IS NULL';
  if (value === 'me')
    return currentUserId ? `i.assigned_user_id = ${p.add(currentUserId, '::bigint')}` : 'false';
  if (value.startsWith('#')) {
    // Issues are only ever assigned to teams of their own organization, so the slug alone is enough.
    return `i.assigned_team_id IN (SELECT id FROM teams WHERE slug = ${p.add(value.slice(1))})`;
  }
  return `i.assigned_user_id IN (SELECT id FROM users WHERE lower(email) = ${p.add(value)})`;
}

function termCondition(p: SqlParams, term: SearchTerm, currentUserId: string | undefined): string {
  switch (term.kind) {
    case 'assigned': {
      const condition = assignedCondition(p, term.value, currentUserId);
      return term.negated ? `(${condition}) IS NOT TRUE` : `(${condition})`;
    }
    case 'status':
      return `i.status ${term.negated ? '<>' : '='} ${p.add(term.value)}`;
    case 'level':
      return `i.level ${term.negated ? '<>' : '='} ${p.add(term.value)}`;
    case 'has':
      return `${term.negated ? 'NOT ' : ''}${tagExists(p, term.key, null)}`;
    case 'tag': {
      const condition = term.value.includes('*')
        ? `t.value LIKE ${p.add(tagLikePattern(term.value))}`
        : `t.value = ${p.add(term.value)}`;
      return `${term.negated ? 'NOT ' : ''}${tagExists(p, term.key, condition)}`;
    }
    case 'text':
      return `i.search_text ${term.negated ? 'NOT LIKE' : 'LIKE'} ${p.add(likePattern(term.value))}`;
  }
}

/**
 * Conditions on `issues i` other than the project, which callers apply per project (lists) or with
 * `= ANY` (bulk actions).
 */
export function issueConditions(p: SqlParams, filter: IssueFilter): string[] {
  const where: string[] = [];
  if (filter.eventIssueId !== undefined) {
    where.push(filter.eventIssueId === null ? 'false' : `i.id = ${p.add(filter.eventIssueId, '::bigint')}`);
  }
  if (filter.ids?.length) where.push(`i.id = ANY(${p.add(filter.ids, '::bigint[]')})`);
  if (filter.environments?.length) {
    where.push(tagExists(p, 'environment', `t.value = ANY(${p.add(filter.environments, '::varchar[]')})`));
  }
  if (filter.start) where.push(`i.last_seen >= ${p.add(filter.start.toISOString(), '::timestamptz')}`);
  if (filter.end) where.push(`i.first_seen <= ${p.add(filter.end.toISOString(), '::timestamptz')}`);
  for (const term of filter.terms ?? []) where.push(termCondition(p, term, filter.currentUserId));
  return where;
}

export type IssueSortField = 'last_seen' | 'first_seen' | 'count' | 'priority';

/** The sort key expression; written exactly as in the migration's indexes so they are used. */
export const SORT_EXPRESSIONS: Record<IssueSortField, string> = {
  last_seen: 'i.last_seen',
  first_seen: 'i.first_seen',
  count: 'i.count',
  priority: 'issue_priority(i.count, i.last_seen)',
};
