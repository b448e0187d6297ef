import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/core';
import { ResolvedSession, SessionAuthMethod, SessionsService, UserEntity } from '@app/organizations';
import { clientIp, requestIsHttps } from '../common/client-address';
import { clearCookie, requestCookie, setCookie } from './cookies';
import { rotateCsrfCookie } from './csrf';

export const SESSION_COOKIE = 'sessionid';
const RESOLVED = Symbol('resolvedSession');

type SessionRequest = Request & { [RESOLVED]?: Promise<ResolvedSession | null> };

/** The `sessionid` cookie: logging in and out, and resolving the caller's session (once per request). */
@Injectable()
export class BrowserSessionService {
  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  hasCookie(req: Request): boolean {
    return !!requestCookie(req, SESSION_COOKIE);
  }

  current(req: Request): Promise<ResolvedSession | null> {
    const r = req as SessionRequest;
    if (!r[RESOLVED]) {
      const key = requestCookie(req, SESSION_COOKIE);
      r[RESOLVED] = key ? this.sessions.resolve(key) : Promise.resolve(null);
    }
    return r[RESOLVED];
  }

  private cookieOptions(req: Request, maxAgeSeconds?: number) {
    return {
      httpOnly: true,
      secure: this.config.session.cookieSecure || requestIsHttps(req, this.config.trustedProxies),
      sameSite: 'Lax' as const,
      ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    };
  }

  /** A fresh session (never the one the request came with) and a fresh CSRF token. */
  async logIn(
    req: Request,
    res: Response,
    user: UserEntity,
    method: SessionAuthMethod,
  ): Promise<ResolvedSession> {
    const previous = requestCookie(req, SESSION_COOKIE);
    if (previous) await this.sessions.destroy(previous);
    const ttl = this.config.session.cookieAgeSeconds;
    const key = await this.sessions.create(
      user.id,
      [method],
      { userAgent: req.get('user-agent') ?? '', ip: clientIp(req, this.config.trustedProxies) ?? '' },
      ttl,
    );
    setCookie(res, SESSION_COOKIE, key, this.cookieOptions(req, ttl));
    rotateCsrfCookie(req, res, this.config);
    const resolved = await this.sessions.resolve(key);
    (req as SessionRequest)[RESOLVED] = Promise.resolve(resolved);
    return resolved!;
  }

  async logOut(req: Request, res: Response): Promise<void> {
    const key = requestCookie(req, SESSION_COOKIE);
    if (key) await this.sessions.destroy(key);
    clearCookie(res, SESSION_COOKIE, this.cookieOptions(req));
    rotateCsrfCookie(req, res, this.config);
    (req as SessionRequest)[RESOLVED] = Promise.resolve(null);
  }

  /** Ends the user's sessions (all, or all but one: the session that changed the password stays). */
  endAllSessions(userId: string, keepSessionId?: string): Promise<void> {
    return this.sessions.destroyAllFor(userId, keepSessionId);
  }

  recordMethod(sessionId: string, method: SessionAuthMethod): Promise<void> {
    return this.sessions.recordMethod(sessionId, method);
  }

  /** Forgets a cookie that names no live session. */
  clearStale(req: Request, res: Response): void {
    clearCookie(res, SESSION_COOKIE, this.cookieOptions(req));
  }
}
