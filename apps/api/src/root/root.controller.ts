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
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, OptionalAuth } from '../auth/auth.guard';
import { serializeUser } from './user.mapper';

@ApiSchema({ name: 'APIRootSchema' })
class ApiRootDto {
  @ApiProperty({ example: '0' }) version: string;
  @ApiPropertyOptional({ type: Object, nullable: true }) user: object | null;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description: 'The token and its scopes, for Bearer requests',
  })
  auth: object | null;
}

@ApiTags('api')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/0')
export class RootController {
  /** Who am I: the caller and, for tokens, their scopes. Anonymous callers get nulls. */
  @Get()
  @OptionalAuth()
  @ApiOperation({ operationId: 'api_root', summary: 'API root: the caller and the token scopes' })
  @ApiOkResponse({ type: ApiRootDto })
  root(@Req() req: Request & { user?: AuthContext }): ApiRootDto {
    const auth = req.user;
    return {
      version: '0',
      user: auth ? serializeUser(auth.user) : null,
      auth: auth?.via === 'token' ? { id: auth.tokenId, scopes: auth.scopes ?? [] } : null,
    };
  }
}
