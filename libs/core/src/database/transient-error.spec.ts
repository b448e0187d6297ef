import { isTransientDatabaseError } from './transient-error';

describe('isTransientDatabaseError', () => {
  it.each([
    [{ code: '40P01', message: 'deadlock detected' }, true],
    [{ code: '40001', message: 'could not serialize access' }, true],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '08006', message: 'connection failure' }, true],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, true],
    [{ code: '22P05', message: 'unsupported Unicode escape sequence' }, false],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
    [new SyntaxError('Unexpected token'), false],
  ])('%o → %s', (error, expected) => {
    expect(isTransientDatabaseError(error)).toBe(expected);
  });
});
