import { ExecutionContext, UnprocessableEntityException } from '@nestjs/common';
import { ControlCharactersGuard, findControlCharacter } from './control-characters.guard';

function context(req: Record<string, unknown>): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

describe('findControlCharacter', () => {
  it('finds NUL and other controls in values and keys, with their path', () => {
    expect(findControlCharacter({ a: 'fine', b: ['x', 'y\u0000'] }, ['query'])).toEqual(['query', 'b', 1]);
    expect(findControlCharacter({ nested: { 'bad\u0001key': 1 } }, ['body', 'payload'])).toEqual([
      'body',
      'payload',
      'nested',
      'bad\u0001key',
    ]);
    expect(findControlCharacter({ text: 'esc \u001b[31m' }, [])).toEqual(['text']);
    expect(findControlCharacter({ text: 'del \u007f' }, [])).toEqual(['text']);
  });

  it('lets tabs, newlines and any other Unicode through', () => {
    expect(
      findControlCharacter({ text: 'line 1\r\n\tline 2 — ünïcode 🎉', n: 1, t: true, z: null }, []),
    ).toBeNull();
  });

  it('survives a very deeply nested body', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findControlCharacter(deep, [])?.length).toBe(100_000);
  });
});

describe('ControlCharactersGuard', () => {
  const guard = new ControlCharactersGuard();

  it('answers 422 with the field path, path parameters first', () => {
    const cases: Array<[Record<string, unknown>, Array<string | number>]> = [
      [{ params: { organizationSlug: 'a\u0000' }, query: {}, body: {} }, ['path', 'organizationSlug']],
      [{ params: {}, query: { query: '\u0000' }, body: {} }, ['query', 'query']],
      [{ params: {}, query: {}, body: { name: 'x\u0000' } }, ['body', 'payload', 'name']],
    ];
    for (const [req, loc] of cases) {
      let error: unknown;
      try {
        guard.canActivate(context(req));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnprocessableEntityException);
      expect((error as UnprocessableEntityException).getResponse()).toEqual({
        detail: [{ type: 'value_error', loc, msg: expect.stringContaining('control characters') }],
      });
    }
  });

  it('passes clean requests and raw bodies', () => {
    expect(guard.canActivate(context({ params: { id: '1' }, query: { q: 'ok' }, body: { a: 'b' } }))).toBe(
      true,
    );
    expect(guard.canActivate(context({ params: {}, query: {}, body: Buffer.from([0]) }))).toBe(true);
    expect(guard.canActivate(context({}))).toBe(true);
  });
});
