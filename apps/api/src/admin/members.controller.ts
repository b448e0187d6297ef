import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/core';
import { IssueAssignmentService } from '@app/issues';
import {
  AccountsService,
  MemberDetail,
  Membership,
  OrganizationRole,
  OrganizationsService,
  roleFromId,
} from '@app/organizations';
import { AccountLinksService } from '../auth/account-links.service';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { RateLimiter } from '../auth/rate-limiter';
import { requireRole } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { ApiAdminErrors, ErrorDto } from './api-responses';
import {
  InvitedMemberDto,
  InviteMemberDto,
  OrganizationUserDetailDto,
  OrganizationUserDto,
  UpdateMemberDto,
} from './dto/member.dto';
import { serializeMember, serializeMemberDetail } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { GlitchTipValidationPipe, unprocessable } from '../common/validation.pipe';

/** Only owners give or take the owner role: a manager cannot make anyone (themselves included) an owner. */
function checkOwnerRoleChange(membership: Membership, from: OrganizationRole, to: OrganizationRole): void {
  if (
    (from === OrganizationRole.Owner || to === OrganizationRole.Owner) &&
    membership.role < OrganizationRole.Owner
  )
    throw new ForbiddenException({ detail: 'Only an owner may give or take the owner role' });
}

@ApiTags('members')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/organizations/:organizationSlug/members')
export class MembersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly assignment: IssueAssignmentService,
    private readonly links: AccountLinksService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async passwords(members: MemberDetail[]): Promise<Set<string>> {
    return this.accounts.usersWithPassword(members.flatMap((m) => (m.user ? [m.user.id] : [])));
  }

  private async detail(organizationId: string, memberId: string): Promise<MemberDetail> {
    const member = await this.organizations.member(organizationId, memberId);
    if (!member) throw new NotFoundException({ detail: 'Not Found' });
    return member;
  }

  private async serializedDetail(
    organizationId: string,
    memberId: string,
  ): Promise<OrganizationUserDetailDto> {
    const member = await this.detail(organizationId, memberId);
    return serializeMemberDetail(member, await this.passwords([member]));
  }

  @Get()
  @RequireScopes('member:read', 'member:write', 'member:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({ operationId: 'list_organization_members', summary: 'Members and pending invitations' })
  @Paged()
  @ApiOkResponse({ type: [OrganizationUserDto] })
  async list(
    @Resolved() membership: ResolvedTenant,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationUserDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { members, total } = await this.organizations.members(membership.organization.id, page);
        return { items: members, total };
      },
      async (members) => {
        const withPassword = await this.passwords(members);
        return members.map((m) => serializeMember(m, withPassword));
      },
    );
  }

  @Post()
  @RequireScopes('member:write', 'member:admin')
  @Tenant({ organization: 'organizationSlug', role: OrganizationRole.Manager })
  @ApiOperation({
    operationId: 'create_organization_member',
    summary: 'Invite someone by e-mail (role manager and up); the accept link is e-mailed and returned',
    description:
      'When registration is closed only existing users may be invited. Invitations per user are limited to ' +
      'EMAIL_THROTTLE_COUNT per EMAIL_THROTTLE_INTERVAL seconds (429 with Retry-After).',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: InvitedMemberDto })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'Already a member, or already invited without reinvite',
  })
  @ApiTooManyRequestsResponse({ description: '`{"message": "Please retry later"}`' })
  @ApiHeader({ name: 'X-CSRFToken', required: false, description: 'Session requests only' })
  async invite(
    @Resolved() membership: ResolvedTenant,
    @Body() body: InviteMemberDto,
    @Req() req: AuthedRequest,
    @Res() res: Response,
  ): Promise<void> {
    const user = req.user.user;
    const role = roleFromId(body.orgRole);
    checkOwnerRoleChange(membership, OrganizationRole.Member, role);
    const email = body.email.trim();
    if (!this.config.registration.enableUserRegistration && !(await this.accounts.isEmailTaken(email)))
      throw new ForbiddenException({ detail: 'Only existing users may be invited' });
    const wait = await this.limiter.hit(
      `invite:user:${user.id}`,
      this.config.email.throttleCount,
      this.config.email.throttleIntervalSeconds,
    );
    if (wait) {
      res.status(429).setHeader('Retry-After', String(wait));
      res.json({ message: 'Please retry later' });
      return;
    }
    const result = await this.organizations.invite(membership.organization.id, {
      email,
      role,
      teamSlugs: (body.teamRoles ?? []).map((t) => t.teamSlug),
      reinvite: body.reinvite ?? true,
    });
    if (result.kind === 'already-member')
      throw new ConflictException({ detail: `The user ${email} is already a member` });
    if (result.kind === 'already-invited')
      throw new ConflictException({ detail: `The user ${email} is already invited` });
    const link = this.links.invitationLink(result.member);
    if (body.sendInvite ?? true) this.links.sendInvitation(result.member, membership.organization.name, link);
    const member = await this.detail(membership.organization.id, result.member.id);
    const invited: InvitedMemberDto = {
      ...serializeMember(member, await this.passwords([member])),
      inviteLink: link,
    };
    res.status(201).json(invited);
  }

  @Get(':memberId')
  @RequireScopes('member:read', 'member:write', 'member:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({ operationId: 'get_organization_member', summary: 'A member with the slugs of their teams' })
  @ApiOkResponse({ type: OrganizationUserDetailDto })
  async get(
    @Resolved() membership: ResolvedTenant,
    @Param('memberId') memberId: string,
  ): Promise<OrganizationUserDetailDto> {
    return this.serializedDetail(
      membership.organization.id,
      memberId === 'me' ? membership.memberId : memberId,
    );
  }

  @Put(':memberId')
  @RequireScopes('member:write', 'member:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({
    operationId: 'update_organization_member',
    summary: "Change a member's role (role manager and up; the owner role only by owners)",
    description: 'The organization keeps at least one owner: demoting the last one answers 422.',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: OrganizationUserDetailDto })
  async update(
    @Resolved() membership: ResolvedTenant,
    @Param('memberId') memberId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<OrganizationUserDetailDto> {
    const organizationId = membership.organization.id;
    const { member } = await this.detail(organizationId, memberId === 'me' ? membership.memberId : memberId);
    requireRole(membership, OrganizationRole.Manager);
    const role = roleFromId(body.orgRole);
    checkOwnerRoleChange(membership, member.role, role);
    if (
      member.role === OrganizationRole.Owner &&
      role < OrganizationRole.Owner &&
      (await this.organizations.countOwners(organizationId, member.id)) === 0
    )
      throw unprocessable('orgRole', 'Organization must have at least one owner');
    if (member.isOwner && role < OrganizationRole.Owner)
      throw unprocessable('orgRole', 'The primary owner stays an owner: transfer ownership first');
    await this.organizations.setRole(member.id, role);
    return this.serializedDetail(organizationId, member.id);
  }

  @Delete(':memberId')
  @HttpCode(204)
  @RequireScopes('member:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({
    operationId: 'delete_organization_member',
    summary: 'Remove a member or an invitation (yourself, or anyone with role manager and up)',
    description: 'The primary owner and the last owner cannot be removed (400).',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ErrorDto })
  async remove(@Resolved() membership: ResolvedTenant, @Param('memberId') memberId: string): Promise<void> {
    const organizationId = membership.organization.id;
    const { member } = await this.detail(organizationId, memberId === 'me' ? membership.memberId : memberId);
    const self = String(member.id) === String(membership.memberId);
    if (!self) requireRole(membership, OrganizationRole.Manager);
    if (!self) checkOwnerRoleChange(membership, member.role, OrganizationRole.Member);
    if (member.isOwner)
      throw new BadRequestException({ detail: 'User is organization owner. Transfer ownership first.' });
    if (
      member.role === OrganizationRole.Owner &&
      member.userId &&
      (await this.organizations.countOwners(organizationId, member.id)) === 0
    )
      throw new BadRequestException({ detail: 'The last owner cannot be removed' });
    await this.assignment.removeMember(member.id);
  }

  @Post(':memberId/set_owner')
  @HttpCode(200)
  @RequireScopes('member:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({
    operationId: 'set_organization_owner',
    summary: 'Make a member the primary owner (they get the owner role; owners only)',
  })
  @ApiOkResponse({ type: OrganizationUserDetailDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A pending invitation cannot own an organization' })
  async setOwner(
    @Resolved() membership: ResolvedTenant,
    @Param('memberId') memberId: string,
  ): Promise<OrganizationUserDetailDto> {
    const organizationId = membership.organization.id;
    const { member } = await this.detail(organizationId, memberId === 'me' ? membership.memberId : memberId);
    if (membership.role < OrganizationRole.Owner)
      throw new ForbiddenException({ detail: 'Only owner may set organization owner.' });
    if (!member.userId)
      throw new BadRequestException({ detail: 'A pending invitation cannot own the organization' });
    await this.organizations.setPrimaryOwner(organizationId, member.id);
    return this.serializedDetail(organizationId, member.id);
  }
}
