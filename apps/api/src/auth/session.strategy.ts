import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import passport from 'passport';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AuthContext } from './auth-context';
import { BrowserSessionService } from './browser-session.service';
import { csrfFailure } from './csrf';

export const SESSION_STRATEGY = 'gt-session';

type Verify = (req: Request, done: (error: unknown, user?: unknown) => void) => void;

/** A passport strategy that hands the whole request to its verify callback (cookies are not passport's job). */
class CookieStrategy extends passport.Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(req: Request): void {
    this.verify(req, (error, user) => {
      if (error) return this.error(error);
      if (!user) return this.fail(401);
      return this.success(user);
    });
  }
}

/**
 * Browser sessions (the `sessionid` cookie the allauth endpoints set). Unsafe methods must also pass the CSRF
 * check, as django-ninja's cookie authentication requires; Bearer requests never come here.
 */
@Injectable()
export class SessionStrategy extends PassportStrategy(CookieStrategy, SESSION_STRATEGY) {
  constructor(
    private readonly sessions: BrowserSessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthContext | false> {
    const resolved = await this.sessions.current(req);
    if (!resolved) return false;
    if (csrfFailure(req, this.config)) throw new ForbiddenException({ detail: 'CSRF check Failed' });
    return {
      user: resolved.user,
      via: 'session',
      sessionId: resolved.session.id,
      methods: resolved.session.methods,
    };
  }
}
