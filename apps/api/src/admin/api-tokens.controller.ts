import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountsService, isScope, scopesToBits } from '@app/organizations';
import { ApiAuthGuard, SessionOnly } from '../auth/auth.guard';
import { ApiAdminErrors } from './api-responses';
import { ApiTokenDto, ApiTokenInDto } from './dto/api-token.dto';
import { serializeToken } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { GlitchTipValidationPipe } from '../common/validation.pipe';

/** API tokens are managed from a browser session only: a Bearer token here is 401, as in GlitchTip. */
@ApiTags('api-tokens')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@SessionOnly()
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/api-tokens')
export class ApiTokensController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({
    operationId: 'list_api_tokens',
    summary: 'The caller’s tokens (session only; tokens shown masked)',
  })
  @Paged()
  @ApiOkResponse({ type: [ApiTokenDto] })
  list(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<ApiTokenDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { tokens, total } = await this.accounts.listTokens(req.user.user.id, page.offset, page.limit);
        return { items: tokens, total };
      },
      (tokens) => tokens.map((t) => serializeToken(t)),
    );
  }

  @Post()
  @ApiOperation({
    operationId: 'create_api_token',
    summary: 'A new token: 64 hex characters, shown in full in this response only (session only)',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ApiTokenDto })
  async create(@Body() body: ApiTokenInDto, @Req() req: AuthedRequest): Promise<ApiTokenDto> {
    const bits = typeof body.scopes === 'number' ? body.scopes : scopesToBits(body.scopes.filter(isScope));
    const { token, entity } = await this.accounts.createToken(req.user.user.id, body.label ?? '', bits);
    return serializeToken(entity, token);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'delete_api_token', summary: 'Revoke a token (session only)' })
  @ApiNoContentResponse()
  async delete(@Param('tokenId') tokenId: string, @Req() req: AuthedRequest): Promise<void> {
    if (!(await this.accounts.deleteToken(req.user.user.id, tokenId)))
      throw new NotFoundException({ detail: 'Not Found' });
  }
}
