import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { Scope } from '@app/organizations';
import { AuthContext } from './auth-context';
import { requestCookie } from './cookies';
import { SESSION_COOKIE } from './browser-session.service';
import { SESSION_STRATEGY } from './session.strategy';

export const SCOPES_KEY = 'requiredScopes';
export const PUBLIC_KEY = 'publicRoute';
export const SESSION_ONLY_KEY = 'sessionOnly';

/** Token requests need any one of these scopes (GlitchTip's rule); sessions are checked by role instead. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
/** Anonymous callers allowed; a valid credential is still resolved when present. */
export const OptionalAuth = () => SetMetadata(PUBLIC_KEY, true);
/** Browser sessions only: a Bearer token is ignored here (GlitchTip answers 401 to tokens on these routes). */
export const SessionOnly = () => SetMetadata(SESSION_ONLY_KEY, true);

const BearerGuard = AuthGuard('bearer');
const SessionGuard = AuthGuard(SESSION_STRATEGY);

/**
 * `Authorization: Bearer <token>` first, else the `sessionid` cookie (with its CSRF check on unsafe methods).
 * Anything else is 401 `{"detail": "Unauthorized"}` unless the route allows anonymous callers.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly bearer = new BearerGuard();
  private readonly session = new SessionGuard();

  constructor(private readonly reflector: Reflector) {}

  private flag(key: string, context: ExecutionContext): boolean {
    return !!this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthContext }>();
    const optional = this.flag(PUBLIC_KEY, context);
    const sessionOnly = this.flag(SESSION_ONLY_KEY, context);
    const header = request.headers.authorization;
    if (!sessionOnly && header && /^bearer\s/i.test(header)) {
      try {
        await this.bearer.canActivate(context);
      } catch {
        // A revoked or unknown token on an anonymous route is an anonymous caller, as on GlitchTip's /api/0/.
        if (!optional) throw new UnauthorizedException({ detail: 'Invalid token' });
      }
    } else if (requestCookie(request, SESSION_COOKIE)) {
      try {
        await this.session.canActivate(context);
      } catch (error) {
        if (error instanceof HttpException && error.getStatus() !== HttpStatus.UNAUTHORIZED) throw error;
        if (!optional) throw new UnauthorizedException({ detail: 'Unauthorized' });
      }
    } else if (!optional) {
      throw new UnauthorizedException({ detail: 'Unauthorized' });
    }
    const auth = request.user;
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (auth?.via === 'token' && required?.length && !required.some((s) => auth.scopes?.includes(s))) {
      throw new ForbiddenException({ detail: 'Permission denied' });
    }
    return true;
  }
}
