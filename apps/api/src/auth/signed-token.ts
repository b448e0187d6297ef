import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links sent by e-mail (password reset, address verification, invitations) carry `<subject>-<expiry>-<mac>`: the
 * subject id and expiry in base 36 and an HMAC over them, the purpose and a binding value. The binding is state the
 * link must not outlive (the current password hash for a reset, the invited address for an invitation), so a link
 * stops working once used, without storing anything.
 */
export interface SignedTokenInput {
  secret: string;
  purpose: string;
  subject: string;
  binding: string;
}

function mac(input: SignedTokenInput, expiry: string): string {
  return createHmac('sha256', input.secret)
    .update(`${input.purpose}\u0000${input.subject}\u0000${expiry}\u0000${input.binding}`)
    .digest('base64url')
    .replace(/[-_]/g, '')
    .slice(0, 32);
}

export function signToken(input: SignedTokenInput, ttlSeconds: number, now = Date.now()): string {
  const expiry = Math.floor(now / 1000 + ttlSeconds).toString(36);
  return `${BigInt(input.subject).toString(36)}-${expiry}-${mac(input, expiry)}`;
}

/** The subject id a token names (not yet verified), or null when it is malformed. */
export function tokenSubject(token: string): string | null {
  const match = /^([0-9a-z]{1,13})-([0-9a-z]{1,10})-([0-9A-Za-z]{32})$/.exec(token);
  if (!match) return null;
  return [...match[1]!].reduce((n, c) => n * 36n + BigInt(parseInt(c, 36)), 0n).toString();
}

/** True when the token was signed for this input and has not expired. */
export function verifyToken(token: string, input: SignedTokenInput, now = Date.now()): boolean {
  const parts = token.split('-');
  if (parts.length !== 3 || tokenSubject(token) !== input.subject) return false;
  const [, expiry, given] = parts as [string, string, string];
  if (parseInt(expiry, 36) * 1000 < now) return false;
  const expected = Buffer.from(mac(input, expiry));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
