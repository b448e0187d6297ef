import { EventLevel, IssueStatus } from '../entities/issue.entity';
import { likePattern, parseEventId, parseIssueQuery, tagLikePattern, tokenizeQuery } from './issue-query';

describe('parseIssueQuery', () => {
  it('reads status, level, has, tags and free text', () => {
    expect(parseIssueQuery('is:unresolved level:error has:user browser:Firefox TypeError').terms).toEqual([
      { kind: 'status', value: IssueStatus.Unresolved, negated: false },
      { kind: 'level', value: EventLevel.Error, negated: false },
      { kind: 'has', key: 'user', negated: false },
      { kind: 'tag', key: 'browser', value: 'Firefox', negated: false },
      { kind: 'text', value: 'TypeError', negated: false },
    ]);
  });

  it('negates with ! (any term) and - (key:value terms only)', () => {
    expect(parseIssueQuery('!is:resolved -environment:prod !has:release !timeout -1').terms).toEqual([
      { kind: 'status', value: IssueStatus.Resolved, negated: true },
      { kind: 'tag', key: 'environment', value: 'prod', negated: true },
      { kind: 'has', key: 'release', negated: true },
      { kind: 'text', value: 'timeout', negated: true },
      { kind: 'text', value: '-1', negated: false },
    ]);
  });

  it('keeps quoted values and phrases together', () => {
    expect(parseIssueQuery('url:"http://a.b/c d" "division by zero" \'single quoted\'').terms).toEqual([
      { kind: 'tag', key: 'url', value: 'http://a.b/c d', negated: false },
      { kind: 'text', value: 'division by zero', negated: false },
      { kind: 'text', value: 'single quoted', negated: false },
    ]);
    // A quoted token with a colon is text, not a tag.
    expect(parseIssueQuery('"key:value"').terms).toEqual([
      { kind: 'text', value: 'key:value', negated: false },
    ]);
    // Values may contain colons.
    expect(parseIssueQuery('user:id:42').terms).toEqual([
      { kind: 'tag', key: 'user', value: 'id:42', negated: false },
    ]);
  });

  it('ignores Sentry-only statuses and treats unknown levels as a tag', () => {
    expect(parseIssueQuery('is:for_review is:linked').terms).toEqual([]);
    expect(parseIssueQuery('level:critical').terms).toEqual([
      { kind: 'tag', key: 'level', value: 'critical', negated: false },
    ]);
  });

  it('reads assignment terms', () => {
    expect(parseIssueQuery('is:unassigned !is:assigned').terms).toEqual([
      { kind: 'assigned', value: 'none', negated: false },
      { kind: 'assigned', value: 'none', negated: false },
    ]);
    expect(
      parseIssueQuery('is:assigned assigned:me !assigned:#Backend assigned:Jane@Example.com').terms,
    ).toEqual([
      { kind: 'assigned', value: 'none', negated: true },
      { kind: 'assigned', value: 'me', negated: false },
      { kind: 'assigned', value: '#backend', negated: true },
      { kind: 'assigned', value: 'jane@example.com', negated: false },
    ]);
  });

  it('recognises a whole query that is an event id', () => {
    const hex = '0f6b1a2c3d4e4f5a8b9c0d1e2f3a4b5c';
    const dashed = '0f6b1a2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c';
    expect(parseIssueQuery(hex)).toEqual({ terms: [], eventId: dashed });
    expect(parseIssueQuery(` ${dashed.toUpperCase()} `)).toEqual({ terms: [], eventId: dashed });
    expect(parseIssueQuery(`${hex} extra`).eventId).toBeNull();
    expect(parseEventId('0f6b1a2c3d4e-4f5a8b9c0d1e2f3a4b5c')).toBeNull();
  });

  it('handles empty and odd input', () => {
    expect(parseIssueQuery(undefined)).toEqual({ terms: [], eventId: null });
    expect(parseIssueQuery('   ').terms).toEqual([]);
    expect(parseIssueQuery('has: :value key:').terms).toEqual([
      { kind: 'text', value: ':value', negated: false },
      { kind: 'text', value: 'key:', negated: false },
    ]);
    expect(tokenizeQuery('"unclosed quote').map((t) => t.text)).toEqual(['unclosed quote']);
    expect(tokenizeQuery('a\\ b').map((t) => t.text)).toEqual(['a b']);
  });
});

describe('LIKE patterns', () => {
  it('lower-cases free text, escapes LIKE characters and turns * into %', () => {
    expect(likePattern('Zero*Division')).toBe('%zero%division%');
    expect(likePattern('100%_\\')).toBe('%100\\%\\_\\\\%');
    expect(tagLikePattern('Chrome*')).toBe('Chrome%');
  });
});
