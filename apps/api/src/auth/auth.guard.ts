import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { Scope } from '@app/organizations';
import { AuthContext } from './auth-context';

export const SCOPES_KEY = 'requiredScopes';
export const PUBLIC_KEY = 'publicRoute';

/** Token requests need any one of these scopes (GlitchTip's rule); sessions are checked by role instead. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
/** Anonymous callers allowed; a valid credential is still resolved when present. */
export const OptionalAuth = () => SetMetadata(PUBLIC_KEY, true);

const BearerGuard = AuthGuard('bearer');

@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly bearer = new BearerGuard();

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthContext }>();
    const optional = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const header = request.headers.authorization;
    if (header && /^bearer\s/i.test(header)) {
      try {
        await this.bearer.canActivate(context);
      } catch {
        throw new UnauthorizedException({ detail: 'Invalid token' });
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
