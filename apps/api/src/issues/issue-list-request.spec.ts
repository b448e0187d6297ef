import { UnprocessableEntityException } from '@nestjs/common';
import {
  MAX_SEARCH_LENGTH,
  parseDateParam,
  parseIssueSelection,
  parseStatsPeriod,
} from './issue-list-request';

const now = new Date('2026-06-01T12:00:00.000Z');

function detail(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableEntityException);
    return ((error as UnprocessableEntityException).getResponse() as { detail: unknown }).detail;
  }
  throw new Error('expected a 422');
}

describe('issue list parameters', () => {
  it('reads relative and absolute dates and periods', () => {
    expect(parseDateParam('start', 'now-2h', now)).toEqual(new Date('2026-06-01T10:00:00.000Z'));
    expect(parseDateParam('end', '2026-01-02T03:04:05Z', now)).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(parseStatsPeriod('14d', now)).toEqual(new Date('2026-05-18T12:00:00.000Z'));
    expect(parseStatsPeriod(undefined, now)).toBeUndefined();
  });

  it('refuses dates outside 1970..9999 with the parameter named', () => {
    for (const [name, value] of [
      ['start', '99999-01-01'],
      ['end', '99999-01-01'],
      ['start', '1969-12-31T23:59:59Z'],
      ['end', '+275760-09-13T00:00:00Z'],
    ])
      expect(detail(() => parseDateParam(name!, value, now))).toEqual([
        expect.objectContaining({ loc: ['query', name], type: 'value_error' }),
      ]);
    expect(parseDateParam('end', '9999-12-31T23:59:59Z', now)).toEqual(new Date('9999-12-31T23:59:59Z'));
  });

  it('refuses periods longer than 1970..9999 and starts a long but possible one at 1970', () => {
    for (const value of ['99999999d', '9'.repeat(400) + 's', '500000w'])
      expect(detail(() => parseStatsPeriod(value, now))).toEqual([
        expect.objectContaining({ loc: ['query', 'statsPeriod'] }),
      ]);
    expect(detail(() => parseDateParam('start', 'now-99999999999d', now))).toEqual([
      expect.objectContaining({ loc: ['query', 'start'] }),
    ]);
    expect(parseStatsPeriod('36500d', now)).toEqual(new Date('1970-01-01T00:00:00.000Z'));
  });

  it('bounds the search length', () => {
    expect(parseIssueSelection({ query: 'x'.repeat(MAX_SEARCH_LENGTH) }).parsed).toBeDefined();
    expect(detail(() => parseIssueSelection({ query: 'x'.repeat(MAX_SEARCH_LENGTH + 1) }))).toEqual([
      expect.objectContaining({ loc: ['query', 'query'], type: 'string_too_long' }),
    ]);
  });
});
