import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AccountsService, OrganizationsService, OrganizationUserEntity } from '@app/organizations';
import { AccountLinksService } from '../auth/account-links.service';
import { ApiAuthGuard, OptionalAuth } from '../auth/auth.guard';
import { ApiAdminErrors, ErrorDto } from './api-responses';
import { AcceptInviteDto, AcceptInviteInDto } from './dto/member.dto';
import { serializeMember, serializeOrganization } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { GlitchTipValidationPipe } from '../common/validation.pipe';

/** The accept page of an invitation link (`/accept/{memberId}/{token}/` in the web UI). */
@ApiTags('members')
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/accept/:memberId/:token')
export class AcceptInviteController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly links: AccountLinksService,
  ) {}

  private async invitation(memberId: string, token: string): Promise<OrganizationUserEntity> {
    const member = await this.organizations.pendingInvite(memberId);
    if (!member) throw new NotFoundException({ detail: 'Not Found' });
    if (!this.links.isValidInvitation(member, token))
      throw new ForbiddenException({ detail: 'Invalid invite token' });
    return member;
  }

  private async body(member: OrganizationUserEntity, acceptInvite: boolean): Promise<AcceptInviteDto> {
    const detail = (await this.organizations.member(member.organizationId, member.id))!;
    const [organization] = await this.organizations.organizationsByIds([member.organizationId]);
    const withPassword = await this.accounts.usersWithPassword(detail.user ? [detail.user.id] : []);
    return {
      acceptInvite,
      orgUser: {
        ...serializeMember(detail, withPassword),
        organization: serializeOrganization(organization!),
      },
    };
  }

  @Get()
  @OptionalAuth()
  @ApiOperation({ operationId: 'get_accept_invite', summary: 'What an invitation is for (no login needed)' })
  @ApiOkResponse({ type: AcceptInviteDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Invalid, used or expired token' })
  async get(@Param('memberId') memberId: string, @Param('token') token: string): Promise<AcceptInviteDto> {
    return this.body(await this.invitation(memberId, token), false);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'accept_invite',
    summary: 'Accept an invitation as the logged-in user (`{"acceptInvite": true}`)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: AcceptInviteDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'Already a member of that organization' })
  async accept(
    @Param('memberId') memberId: string,
    @Param('token') token: string,
    @Body() body: AcceptInviteInDto,
    @Req() req: AuthedRequest,
  ): Promise<AcceptInviteDto> {
    const member = await this.invitation(memberId, token);
    if (!body.acceptInvite) return this.body(member, false);
    if (!(await this.organizations.acceptInvite(member.id, req.user.user.id)))
      throw new ConflictException({ detail: 'You are already a member of this organization' });
    return this.body({ ...member, userId: req.user.user.id, email: null }, true);
  }
}
