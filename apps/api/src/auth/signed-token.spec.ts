import { signToken, tokenSubject, verifyToken } from './signed-token';

describe('signed e-mail link tokens', () => {
  const input = { secret: 's3cret', purpose: 'password-reset', subject: '4242', binding: 'hash-1' };

  it('round-trips the subject and verifies until expiry', () => {
    const now = Date.UTC(2026, 0, 1);
    const token = signToken(input, 3600, now);
    expect(token).toMatch(/^[0-9a-z]+-[0-9a-z]+-[0-9A-Za-z]{32}$/);
    expect(tokenSubject(token)).toBe('4242');
    expect(verifyToken(token, input, now + 3599_000)).toBe(true);
    expect(verifyToken(token, input, now + 3601_000)).toBe(false);
  });

  it('fails for another purpose, subject, binding or secret, and for tampering', () => {
    const token = signToken(input, 3600);
    expect(verifyToken(token, { ...input, purpose: 'invite' })).toBe(false);
    expect(verifyToken(token, { ...input, binding: 'hash-2' })).toBe(false);
    expect(verifyToken(token, { ...input, secret: 'other' })).toBe(false);
    expect(verifyToken(token, { ...input, subject: '4243' })).toBe(false);
    const [s, e, m] = token.split('-') as [string, string, string];
    const later = (parseInt(e, 36) + 1000).toString(36);
    expect(verifyToken(`${s}-${later}-${m}`, input)).toBe(false);
    expect(tokenSubject('not-a-token')).toBeNull();
    expect(verifyToken('', input)).toBe(false);
  });
});
