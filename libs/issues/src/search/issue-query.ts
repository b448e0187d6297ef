import { EventLevel, IssueStatus } from '../entities/issue.entity';
import { dashedEventId, eventIdHex } from '@app/events';
import { LEVEL_BY_NAME } from '../levels';

/**
 * The issue search language GlitchTip and Sentry users type:
 *
 * - `is:unresolved|resolved|ignored` (status), `level:error` (the issue's level)
 * - `has:key` (the issue has a tag `key`), `key:value` (a tag; `environment:` and `release:` are tags too)
 * - `assigned:me`, `assigned:<email>`, `assigned:#team-slug`, `is:assigned`, `is:unassigned`
 * - `!` before any of these negates it (`!is:resolved`, `!browser.name:Firefox`); `-` works for `key:value` forms
 * - `"quoted values"` keep spaces: `url:"http://a b"`, `"exact phrase"`
 * - anything else is free text, matched as a substring of the title and culprit (`*` is a wildcard)
 * - a whole query that is an event id (32 hex or a dashed UUID) finds the issue holding that event
 */
export type SearchTerm =
  | { kind: 'status'; value: IssueStatus; negated: boolean }
  | { kind: 'level'; value: EventLevel; negated: boolean }
  | { kind: 'has'; key: string; negated: boolean }
  | { kind: 'tag'; key: string; value: string; negated: boolean }
  | { kind: 'text'; value: string; negated: boolean }
  /** `value`: `none` (unassigned), `me`, `#team-slug`, or a user's email. */
  | { kind: 'assigned'; value: string; negated: boolean };

export interface ParsedIssueQuery {
  terms: SearchTerm[];
  /** Set when the whole query is an event id (dashed UUID form). */
  eventId: string | null;
}

export const STATUS_BY_NAME: Record<string, IssueStatus> = {
  unresolved: IssueStatus.Unresolved,
  resolved: IssueStatus.Resolved,
  ignored: IssueStatus.Ignored,
};

/** A 32-hex or dashed event id as a dashed lower-case UUID, or null. */
export function parseEventId(value: string): string | null {
  const hex = eventIdHex(value);
  return hex === null ? null : dashedEventId(hex);
}

interface Token {
  text: string;
  /** Whether any part of the token was quoted (a quoted token is never a `key:value`). */
  quotedKey: boolean;
}

/**
 * Splits on whitespace like a shell (shlex): double or single quotes group words and are removed,
 * a backslash escapes the next character. An unclosed quote runs to the end.
 */
export function tokenizeQuery(query: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let started = false;
  let quotedKey = false;
  let sawColon = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < query.length) current += query[++i];
      else current += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (started) tokens.push({ text: current, quotedKey });
      current = '';
      started = false;
      quotedKey = false;
      sawColon = false;
      continue;
    }
    started = true;
    if (c === '"' || c === "'") {
      quote = c;
      if (!sawColon) quotedKey = true;
    } else if (c === '\\' && i + 1 < query.length) current += query[++i];
    else {
      if (c === ':') sawColon = true;
      current += c;
    }
  }
  if (started) tokens.push({ text: current, quotedKey });
  return tokens;
}

export function parseIssueQuery(query: string | null | undefined): ParsedIssueQuery {
  const text = (query ?? '').trim();
  const eventId = parseEventId(text);
  if (eventId) return { terms: [], eventId };
  const terms: SearchTerm[] = [];
  for (const token of tokenizeQuery(text)) {
    let body = token.text;
    if (body === '') continue;
    let negated = false;
    const colon = body.indexOf(':');
    const structured = !token.quotedKey && colon > 0 && colon < body.length;
    if (body.startsWith('!') || (structured && body.startsWith('-') && colon > 1)) {
      negated = true;
      body = body.slice(1);
    }
    const sep = body.indexOf(':');
    if (!token.quotedKey && sep > 0) {
      const key = body.slice(0, sep);
      const value = body.slice(sep + 1);
      if (key === 'is') {
        const name = value.toLowerCase();
        const status = STATUS_BY_NAME[name];
        if (status !== undefined) terms.push({ kind: 'status', value: status, negated });
        else if (name === 'unassigned' || name === 'assigned') {
          terms.push({ kind: 'assigned', value: 'none', negated: negated !== (name === 'assigned') });
        }
        // Other Sentry-only forms (`is:for_review`, `is:linked`...) mean nothing here and are ignored.
        continue;
      }
      if (key === 'assigned' && value !== '') {
        terms.push({ kind: 'assigned', value: value.toLowerCase(), negated });
        continue;
      }
      if (key === 'level' && LEVEL_BY_NAME[value.toLowerCase()] !== undefined) {
        terms.push({ kind: 'level', value: LEVEL_BY_NAME[value.toLowerCase()]!, negated });
        continue;
      }
      if (key === 'has') {
        if (value) terms.push({ kind: 'has', key: value, negated });
        continue;
      }
      if (value !== '') {
        terms.push({ kind: 'tag', key, value, negated });
        continue;
      }
    }
    terms.push({ kind: 'text', value: body, negated });
  }
  return { terms, eventId: null };
}

/** Free text as a LIKE pattern over the lower-cased search text: `*` is a wildcard, `%` and `_` are literal. */
export function likePattern(text: string): string {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return `%${escaped.replace(/\*/g, '%')}%`;
}

/** A tag value with `*` wildcards as a LIKE pattern (case-sensitive, as tag values are). */
export function tagLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}
