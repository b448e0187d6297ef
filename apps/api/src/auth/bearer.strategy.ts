import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { AccountsService, bitsToScopes } from '@app/organizations';
import { AuthContext } from './auth-context';

/** `Authorization: Bearer <64 hex>` API tokens. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly accounts: AccountsService) {
    super();
  }

  async validate(token: string): Promise<AuthContext | false> {
    const found = await this.accounts.findToken(token);
    if (!found) return false;
    return {
      user: found.user,
      via: 'token',
      tokenId: found.token.id,
      scopes: bitsToScopes(found.token.scopes),
    };
  }
}
