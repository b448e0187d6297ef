import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountsService, ApiTokenEntity, bitsToScopes } from '@app/organizations';
import { ApiTokenAuthDto } from '../admin/dto/api-token.dto';
import { UserDto } from '../admin/dto/user.dto';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, OptionalAuth } from '../auth/auth.guard';
import { serializeUser } from './user.mapper';

@ApiSchema({ name: 'APIRootSchema' })
class ApiRootDto {
  @ApiProperty({ example: '0' }) version: string;
  @ApiPropertyOptional({ type: UserDto, nullable: true }) user: UserDto | null;
  @ApiPropertyOptional({
    type: ApiTokenAuthDto,
    nullable: true,
    description: 'The token and its scopes, for Bearer requests',
  })
  auth: ApiTokenAuthDto | null;
}

@ApiTags('api')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/0')
export class RootController {
  constructor(private readonly accounts: AccountsService) {}

  /** Who am I: the caller (session or token) and, for tokens, the token with its scopes. Anonymous callers get nulls. */
  @Get()
  @OptionalAuth()
  @ApiOperation({ operationId: 'api_root', summary: 'API root: the caller and the token scopes' })
  @ApiOkResponse({ type: ApiRootDto })
  async root(@Req() req: Request & { user?: AuthContext }): Promise<ApiRootDto> {
    const auth = req.user;
    if (!auth) return { version: '0', user: null, auth: null };
    const user = serializeUser(auth.user, await this.accounts.hasUsablePassword(auth.user.id));
    const token =
      auth.via === 'token' && auth.tokenId ? await this.accounts.findTokenById(auth.tokenId) : null;
    return { version: '0', user, auth: token ? serializeAuth(token, req) : null };
  }
}

function serializeAuth(token: ApiTokenEntity, req: Request): ApiTokenAuthDto {
  return {
    id: Number(token.id),
    label: token.label,
    scopes: bitsToScopes(token.scopes),
    token: (req.headers.authorization ?? '').replace(/^bearer\s+/i, '').trim(),
    created: token.created.toISOString(),
  };
}
