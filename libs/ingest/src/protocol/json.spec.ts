import { IngestError } from './errors';
import { jsonDepthExceeds, parseJsonObject } from './json';

function rejection(run: () => unknown): IngestError {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('parseJsonObject', () => {
  it('parses an object from a Buffer or a string', () => {
    const text = '{"message":"héllo ✓","level":"error","extra":{"n":[1,2,{"x":null}]}}';
    const expected = { message: 'héllo ✓', level: 'error', extra: { n: [1, 2, { x: null }] } };
    expect(parseJsonObject(Buffer.from(text), 'event')).toEqual(expected);
    expect(parseJsonObject(text, 'event')).toEqual(expected);
  });

  it('strips a UTF-8 byte order mark', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(parseJsonObject(Buffer.concat([bom, Buffer.from('{"a":1}')]), 'event')).toEqual({ a: 1 });
    expect(parseJsonObject('\ufeff{"a":1}', 'event')).toEqual({ a: 1 });
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseJsonObject(Buffer.from(' \r\n{"a":1}\r\n'), 'event')).toEqual({ a: 1 });
  });

  it('rejects valid JSON that is not an object', () => {
    for (const text of ['[]', '[{"a":1}]', 'null', '1', '"text"', 'true']) {
      const error = rejection(() => parseJsonObject(Buffer.from(text), 'event payload'));
      expect(error.status).toBe(400);
      expect(error.detail).toBe('event payload must be a JSON object');
    }
  });

  it('rejects invalid JSON with a short reason', () => {
    const error = rejection(() => parseJsonObject(Buffer.from('{"a": tru}'), 'event payload'));
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(/^event payload is not valid JSON: \S/);

    const empty = rejection(() => parseJsonObject('', 'store body'));
    expect(empty.detail).toMatch(/^store body is not valid JSON: /);
  });

  it('keeps the reason short even for huge invalid input', () => {
    const error = rejection(() => parseJsonObject(Buffer.from(`{"a":"${'x'.repeat(100_000)}`), 'event'));
    expect(error.detail.length).toBeLessThan(300);
  });

  it('accepts exactly 128 levels and rejects 129', () => {
    expect(() => parseJsonObject(`{"a":${nestedArrays(127)}}`, 'event')).not.toThrow();
    expect(() => parseJsonObject(nestedObjects(128), 'event')).not.toThrow();

    const error = rejection(() => parseJsonObject(`{"a":${nestedArrays(128)}}`, 'event'));
    expect(error.status).toBe(400);
    expect(error.detail).toBe('event is nested deeper than 128 levels');
    expect(rejection(() => parseJsonObject(nestedObjects(129), 'event')).detail).toBe(
      'event is nested deeper than 128 levels',
    );
  });

  it('honours a custom maxDepth', () => {
    expect(parseJsonObject('{"a":{"b":{}}}', 'event', { maxDepth: 3 })).toEqual({ a: { b: {} } });
    expect(rejection(() => parseJsonObject('{"a":{"b":{"c":{}}}}', 'event', { maxDepth: 3 })).detail).toBe(
      'event is nested deeper than 3 levels',
    );
  });

  it('rejects a million levels without ever calling JSON.parse', () => {
    const hostile = Buffer.from(`{"a":${nestedArrays(1_000_000)}}`);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const error = rejection(() => parseJsonObject(hostile, 'event'));
      expect(error.detail).toBe('event is nested deeper than 128 levels');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});

describe('jsonDepthExceeds', () => {
  const both = (text: string, maxDepth: number): boolean[] => [
    jsonDepthExceeds(text, maxDepth),
    jsonDepthExceeds(Buffer.from(text), maxDepth),
  ];

  it('counts objects and arrays together', () => {
    expect(both('[{"a":[{}]}]', 4)).toEqual([false, false]);
    expect(both('[{"a":[{}]}]', 3)).toEqual([true, true]);
  });

  it('counts the maximum open at once, not the total', () => {
    const wide = `[${'[],'.repeat(500)}[]]`;
    expect(both(wide, 2)).toEqual([false, false]);
  });

  it('ignores brackets inside strings', () => {
    const text = `{"message":"${'[{'.repeat(300)}","b":"]]]]"}`;
    expect(both(text, 2)).toEqual([false, false]);
  });

  it('handles escaped quotes inside strings', () => {
    // The string is `x\"[[[...`: the quote is escaped, so the brackets are still inside it.
    const escapedQuote = `{"a":"x\\"${'['.repeat(300)}"}`;
    expect(JSON.parse(escapedQuote)).toEqual({ a: `x"${'['.repeat(300)}` });
    expect(both(escapedQuote, 2)).toEqual([false, false]);
  });

  it('ends a string at a quote preceded by an escaped backslash', () => {
    // The string is `x\\`: the backslash is escaped, the quote after it closes the string.
    const escapedBackslash = `{"a":"x\\\\","b":${nestedArrays(300)}}`;
    expect(JSON.parse(escapedBackslash).a).toBe('x\\');
    expect(both(escapedBackslash, 128)).toEqual([true, true]);
  });

  it('handles many escaped quotes in one string', () => {
    const text = `{"a":"${'\\"['.repeat(1000)}","b":${nestedArrays(10)}}`;
    expect(both(text, 11)).toEqual([false, false]);
    expect(both(text, 10)).toEqual([true, true]);
  });

  it('stops at an unterminated string without throwing', () => {
    expect(both(`{"a":"${'['.repeat(500)}`, 2)).toEqual([false, false]);
  });

  it('is fast on a large realistic payload', () => {
    const frames = Array.from({ length: 2000 }, (_, i) => ({
      filename: `/srv/myapp/src/file${i}.js`,
      context_line: `  const x = items[${i}] ?? {"nested": [1, 2, 3]}; // "quoted" \\ text`,
      vars: { a: [i, { b: 'c' }] },
    }));
    const payload = Buffer.from(JSON.stringify({ exception: { values: [{ stacktrace: { frames } }] } }));
    expect(payload.length).toBeGreaterThan(300_000);
    const started = process.hrtime.bigint();
    expect(jsonDepthExceeds(payload, 128)).toBe(false);
    expect(jsonDepthExceeds(payload, 6)).toBe(true);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(250);
  });
});
