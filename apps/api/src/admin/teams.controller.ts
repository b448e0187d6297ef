import {
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
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
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccountsService,
  OrganizationRole,
  OrganizationsService,
  slugify,
  TeamEntity,
  TeamSummary,
} from '@app/organizations';
import { ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { ApiAdminErrors, ErrorDto } from './api-responses';
import { OrganizationUserDto } from './dto/member.dto';
import { CreateProjectDto, ProjectDto } from './dto/project.dto';
import { TeamInDto, TeamProjectDto } from './dto/team.dto';
import { serializeMember, serializeProject, serializeTeamProjects } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated, retryOnSlugRace } from './paginate';
import { GlitchTipValidationPipe } from '../common/validation.pipe';

const TEAM = { organization: 'organizationSlug', team: 'teamSlug' } as const;

@ApiTags('teams')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class TeamsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
  ) {}

  private async withProjects(teams: TeamSummary[], userId: string): Promise<TeamProjectDto[]> {
    const byTeam = await this.projects.projectsOfTeams(
      teams.map((t) => t.id),
      userId,
    );
    return teams.map((team) => serializeTeamProjects(team, byTeam.get(team.id) ?? []));
  }

  private async teamDetail(organizationId: string, slug: string, userId: string): Promise<TeamProjectDto> {
    const team = await this.organizations.team(organizationId, slug, userId);
    if (!team) throw new NotFoundException({ detail: 'Not Found' });
    return (await this.withProjects([team], userId))[0]!;
  }

  @Get('organizations/:organizationSlug/teams')
  @RequireScopes('team:read', 'team:write', 'team:admin', 'org:read', 'org:write', 'org:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({ operationId: 'list_teams', summary: "An organization's teams, with their projects" })
  @Paged()
  @ApiOkResponse({ type: [TeamProjectDto] })
  async list(
    @Resolved() tenant: ResolvedTenant,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamProjectDto[]> {
    const userId = req.user.user.id;
    return paginated(
      req,
      res,
      async (page) => {
        const { teams, total } = await this.organizations.teams(tenant.organization.id, userId, page);
        return { items: teams, total };
      },
      (teams) => this.withProjects(teams, userId),
    );
  }

  @Post('organizations/:organizationSlug/teams')
  @RequireScopes('team:write', 'team:admin', 'org:write', 'org:admin')
  @Tenant({ organization: 'organizationSlug', role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'create_team',
    summary: 'Create a team; its creator joins it (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: TeamProjectDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async create(
    @Resolved() tenant: ResolvedTenant,
    @Body() body: TeamInDto,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const userId = req.user.user.id;
    const created = await this.organizations.createTeam(tenant.organization.id, body.slug, tenant.memberId);
    if (!created)
      throw new ConflictException({ detail: `A team with the slug "${body.slug}" already exists` });
    return this.teamDetail(tenant.organization.id, body.slug, userId);
  }

  @Get('teams/:organizationSlug/:teamSlug')
  @RequireScopes('team:read', 'team:write', 'team:admin')
  @Tenant(TEAM)
  @ApiOperation({ operationId: 'get_team', summary: 'A team with its projects' })
  @ApiOkResponse({ type: TeamProjectDto })
  async get(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    return this.teamDetail(tenant.organization.id, team.slug, req.user.user.id);
  }

  @Put('teams/:organizationSlug/:teamSlug')
  @RequireScopes('team:write', 'team:admin')
  @Tenant({ ...TEAM, role: OrganizationRole.Admin })
  @ApiOperation({ operationId: 'update_team', summary: 'Change the slug of a team (role admin and up)' })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: TeamProjectDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async update(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Body() body: TeamInDto,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    if (!(await this.organizations.renameTeam(team.id, body.slug)))
      throw new ConflictException({ detail: `A team with the slug "${body.slug}" already exists` });
    return this.teamDetail(tenant.organization.id, body.slug, req.user.user.id);
  }

  @Delete('teams/:organizationSlug/:teamSlug')
  @HttpCode(204)
  @RequireScopes('team:admin')
  @Tenant({ ...TEAM, role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'delete_team',
    summary: 'Delete a team; its projects stay (role admin and up)',
  })
  @ApiNoContentResponse()
  async delete(@Resolved() tenant: ResolvedTenant, @Resolved('team') team: TeamEntity): Promise<void> {
    await this.organizations.deleteTeam(team.id);
  }

  @Get('teams/:organizationSlug/:teamSlug/members')
  @RequireScopes('member:read', 'member:write', 'member:admin')
  @Tenant(TEAM)
  @ApiOperation({ operationId: 'list_team_members', summary: "A team's members" })
  @Paged()
  @ApiOkResponse({ type: [OrganizationUserDto] })
  async members(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationUserDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { members, total } = await this.organizations.members(tenant.organization.id, page, {
          teamId: team.id,
        });
        return { items: members, total };
      },
      async (members) => {
        const withPassword = await this.accounts.usersWithPassword(
          members.flatMap((m) => (m.user ? [m.user.id] : [])),
        );
        return members.map((m) => serializeMember(m, withPassword));
      },
    );
  }

  @Get('teams/:organizationSlug/:teamSlug/projects')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(TEAM)
  @ApiOperation({ operationId: 'list_team_projects', summary: "A team's projects, by name" })
  @Paged()
  @ApiOkResponse({ type: [ProjectDto] })
  async listProjects(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectDto[]> {
    const userId = req.user.user.id;
    return paginated(
      req,
      res,
      async (page) => {
        const { projects, total } = await this.projects.listProjects(
          userId,
          { organizationId: tenant.organization.id, teamId: team.id },
          page,
        );
        return { items: projects, total };
      },
      (projects) => projects.map(serializeProject),
    );
  }

  @Post('teams/:organizationSlug/:teamSlug/projects')
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...TEAM, role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'create_project',
    summary: 'Create a project in a team, with one DSN key (role admin and up)',
    description:
      'The slug comes from `slug` when given, else from the name; it is made unique in the organization.',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ProjectDto })
  async createProject(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Body() body: CreateProjectDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectDto> {
    const userId = req.user.user.id;
    const organizationId = tenant.organization.id;
    const { project } = await retryOnSlugRace(async () =>
      this.projects.createProject({
        organizationId,
        name: body.name,
        slug: await this.projects.uniqueSlug(organizationId, slugify(body.slug || body.name)),
        platform: body.platform ?? null,
        teamId: team.id,
        eventThrottleRate: body.eventThrottleRate ?? 0,
      }),
    );
    return serializeProject(await this.projects.summary(project, userId));
  }

  /** GlitchTip's rule for joining and leaving teams; answers the ids involved. */
  private async teamMembershipChange(
    tenant: ResolvedTenant,
    team: TeamEntity,
    memberId: string,
  ): Promise<{ organizationId: string; teamId: string; target: string }> {
    const organizationId = tenant.organization.id;
    const target =
      memberId === 'me'
        ? tenant.memberId
        : (await this.organizations.member(organizationId, memberId))?.member.id;
    if (!target) throw new NotFoundException({ detail: 'Not Found' });
    const isSelf = String(target) === String(tenant.memberId);
    if (!(tenant.organization.openMembership && isSelf)) {
      const inTeam = await this.organizations.isTeamMember(team.id, tenant.memberId);
      if (tenant.role < (inTeam ? OrganizationRole.Admin : OrganizationRole.Manager))
        throw new ForbiddenException({ detail: 'Must be admin to modify teams' });
    }
    return { organizationId, teamId: team.id, target: String(target) };
  }

  @Post('organizations/:organizationSlug/members/:memberId/teams/:teamSlug')
  @RequireScopes('team:write', 'team:admin')
  @Tenant(TEAM)
  @ApiOperation({
    operationId: 'add_member_to_team',
    summary: 'Join a team (`me`), or put a member in it',
    description:
      'Anyone may join when the organization has open membership; otherwise admins may add members to their own ' +
      'teams and managers to any team.',
  })
  @ApiCreatedResponse({ type: TeamProjectDto })
  async addMember(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Param('memberId') memberId: string,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { organizationId, teamId, target } = await this.teamMembershipChange(tenant, team, memberId);
    await this.organizations.addTeamMember(teamId, target);
    return this.teamDetail(organizationId, team.slug, req.user.user.id);
  }

  @Delete('organizations/:organizationSlug/members/:memberId/teams/:teamSlug')
  @HttpCode(200)
  @RequireScopes('team:write', 'team:admin')
  @Tenant(TEAM)
  @ApiOperation({
    operationId: 'remove_member_from_team',
    summary: 'Leave a team (`me`), or take a member out of it (answers 200 with the team)',
  })
  @ApiOkResponse({ type: TeamProjectDto })
  async removeMember(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('team') team: TeamEntity,
    @Param('memberId') memberId: string,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { organizationId, teamId, target } = await this.teamMembershipChange(tenant, team, memberId);
    await this.organizations.removeTeamMember(teamId, target);
    return this.teamDetail(organizationId, team.slug, req.user.user.id);
  }
}
