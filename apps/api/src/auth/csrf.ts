import type { Request, Response } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '@app/core';
import { requestIsHttps, requestOrigin } from '../common/client-address';
import { requestCookie, responseCookie, setCookie } from './cookies';

/** Django's names: the web UI reads the `csrftoken` cookie and echoes it in `X-CSRFToken`. */
export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'x-csrftoken';
const CSRF_COOKIE_AGE = 31_449_600; // one year, as Django
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function newToken(): string {
  return [...randomBytes(32)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

function cookieOptions(req: Request, config: AppConfig) {
  return {
    maxAgeSeconds: CSRF_COOKIE_AGE,
    httpOnly: false,
    secure: config.session.cookieSecure || requestIsHttps(req, config.trustedProxies),
    sameSite: 'Lax' as const,
  };
}

/** Sets the `csrftoken` cookie unless the request already has one (what Django's get_token() does). */
export function ensureCsrfCookie(req: Request, res: Response, config: AppConfig): void {
  const existing = requestCookie(req, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9]{32,64}$/.test(existing)) return;
  if (responseCookie(res, CSRF_COOKIE)) return;
  setCookie(res, CSRF_COOKIE, newToken(), cookieOptions(req, config));
}

/** A new token at login and logout, so that a token seen before authentication is useless after it. */
export function rotateCsrfCookie(req: Request, res: Response, config: AppConfig): void {
  setCookie(res, CSRF_COOKIE, newToken(), cookieOptions(req, config));
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Why an unsafe request fails the CSRF check (null when it passes): the `X-CSRFToken` header must equal the
 * `csrftoken` cookie, and a browser's `Origin`, when sent, must be ours, GLITCHTIP_DOMAIN's or a trusted one.
 */
export function csrfFailure(req: Request, config: AppConfig): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    const allowed = new Set([
      requestOrigin(req, config.trustedProxies),
      new URL(config.domain).origin,
      ...config.session.csrfTrustedOrigins,
    ]);
    if (!allowed.has(origin.replace(/\/+$/, ''))) return 'Origin checking failed';
  }
  const cookie = requestCookie(req, CSRF_COOKIE);
  if (!cookie) return 'CSRF cookie not set';
  const header = req.get(CSRF_HEADER);
  if (!header || !sameToken(header, cookie)) return 'CSRF token missing or incorrect';
  return null;
}
