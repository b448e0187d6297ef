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
  TeamSummary,
} from '@app/organizations';
import { ProjectKeyCache, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { AccessService } from '../common/access.service';
import { ApiAdminErrors, ErrorDto } from './api-responses';
import { OrganizationUserDto } from './dto/member.dto';
import { CreateProjectDto, ProjectDto } from './dto/project.dto';
import { TeamInDto, TeamProjectDto } from './dto/team.dto';
import { serializeMember, serializeProject, serializeTeamProjects } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated, retryOnSlugRace } from './paginate';
import { GlitchTipValidationPipe } from './validation.pipe';

@ApiTags('teams')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class TeamsController {
  constructor(
    private readonly access: AccessService,
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly keyCache: ProjectKeyCache,
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
  @ApiOperation({ operationId: 'list_teams', summary: "An organization's teams, with their projects" })
  @Paged()
  @ApiOkResponse({ type: [TeamProjectDto] })
  async list(
    @Param('organizationSlug') organizationSlug: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamProjectDto[]> {
    const userId = req.user.user.id;
    const access = await this.access.organization(userId, organizationSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { teams, total } = await this.organizations.teams(access.organization.id, userId, page);
        return { items: teams, total };
      },
      (teams) => this.withProjects(teams, userId),
    );
  }

  @Post('organizations/:organizationSlug/teams')
  @RequireScopes('team:write', 'team:admin', 'org:write', 'org:admin')
  @ApiOperation({
    operationId: 'create_team',
    summary: 'Create a team; its creator joins it (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: TeamProjectDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async create(
    @Param('organizationSlug') organizationSlug: string,
    @Body() body: TeamInDto,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const userId = req.user.user.id;
    const access = await this.access.organization(userId, organizationSlug);
    this.access.requireRole(access, OrganizationRole.Admin);
    const created = await this.organizations.createTeam(access.organization.id, body.slug, access.memberId);
    if (!created)
      throw new ConflictException({ detail: `A team with the slug "${body.slug}" already exists` });
    return this.teamDetail(access.organization.id, body.slug, userId);
  }

  @Get('teams/:organizationSlug/:teamSlug')
  @RequireScopes('team:read', 'team:write', 'team:admin')
  @ApiOperation({ operationId: 'get_team', summary: 'A team with its projects' })
  @ApiOkResponse({ type: TeamProjectDto })
  async get(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { access, team } = await this.access.team(req.user.user.id, organizationSlug, teamSlug);
    return this.teamDetail(access.organization.id, team.slug, req.user.user.id);
  }

  @Put('teams/:organizationSlug/:teamSlug')
  @RequireScopes('team:write', 'team:admin')
  @ApiOperation({ operationId: 'update_team', summary: 'Change the slug of a team (role admin and up)' })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: TeamProjectDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async update(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Body() body: TeamInDto,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { access, team } = await this.access.team(req.user.user.id, organizationSlug, teamSlug);
    this.access.requireRole(access, OrganizationRole.Admin);
    if (!(await this.organizations.renameTeam(team.id, body.slug)))
      throw new ConflictException({ detail: `A team with the slug "${body.slug}" already exists` });
    return this.teamDetail(access.organization.id, body.slug, req.user.user.id);
  }

  @Delete('teams/:organizationSlug/:teamSlug')
  @HttpCode(204)
  @RequireScopes('team:admin')
  @ApiOperation({
    operationId: 'delete_team',
    summary: 'Delete a team; its projects stay (role admin and up)',
  })
  @ApiNoContentResponse()
  async delete(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const { access, team } = await this.access.team(req.user.user.id, organizationSlug, teamSlug);
    this.access.requireRole(access, OrganizationRole.Admin);
    await this.organizations.deleteTeam(team.id);
  }

  @Get('teams/:organizationSlug/:teamSlug/members')
  @RequireScopes('member:read', 'member:write', 'member:admin')
  @ApiOperation({ operationId: 'list_team_members', summary: "A team's members" })
  @Paged()
  @ApiOkResponse({ type: [OrganizationUserDto] })
  async members(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationUserDto[]> {
    const { access, team } = await this.access.team(req.user.user.id, organizationSlug, teamSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { members, total } = await this.organizations.members(access.organization.id, page, {
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
  @ApiOperation({ operationId: 'list_team_projects', summary: "A team's projects, by name" })
  @Paged()
  @ApiOkResponse({ type: [ProjectDto] })
  async listProjects(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectDto[]> {
    const userId = req.user.user.id;
    const { access, team } = await this.access.team(userId, organizationSlug, teamSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { projects, total } = await this.projects.listProjects(
          userId,
          { organizationId: access.organization.id, teamId: team.id },
          page,
        );
        return { items: projects, total };
      },
      (projects) => projects.map(serializeProject),
    );
  }

  @Post('teams/:organizationSlug/:teamSlug/projects')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'create_project',
    summary: 'Create a project in a team, with one DSN key (role admin and up)',
    description:
      'The slug comes from `slug` when given, else from the name; it is made unique in the organization.',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ProjectDto })
  async createProject(
    @Param('organizationSlug') organizationSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Body() body: CreateProjectDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectDto> {
    const userId = req.user.user.id;
    const { access, team } = await this.access.team(userId, organizationSlug, teamSlug);
    this.access.requireRole(access, OrganizationRole.Admin);
    const organizationId = access.organization.id;
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
    await this.keyCache.invalidate();
    return serializeProject(await this.projects.summary(project, userId));
  }

  /** GlitchTip's rule for joining and leaving teams; answers the ids involved. */
  private async teamMembershipChange(
    req: AuthedRequest,
    organizationSlug: string,
    memberId: string,
    teamSlug: string,
  ): Promise<{ organizationId: string; teamId: string; target: string }> {
    const userId = req.user.user.id;
    const { access, team } = await this.access.team(userId, organizationSlug, teamSlug);
    const organizationId = access.organization.id;
    const target =
      memberId === 'me'
        ? access.memberId
        : (await this.organizations.member(organizationId, memberId))?.member.id;
    if (!target) throw new NotFoundException({ detail: 'Not Found' });
    const isSelf = String(target) === String(access.memberId);
    if (!(access.organization.openMembership && isSelf)) {
      const inTeam = await this.organizations.isTeamMember(team.id, access.memberId);
      if (access.role < (inTeam ? OrganizationRole.Admin : OrganizationRole.Manager))
        throw new ForbiddenException({ detail: 'Must be admin to modify teams' });
    }
    return { organizationId, teamId: team.id, target: String(target) };
  }

  @Post('organizations/:organizationSlug/members/:memberId/teams/:teamSlug')
  @RequireScopes('team:write', 'team:admin')
  @ApiOperation({
    operationId: 'add_member_to_team',
    summary: 'Join a team (`me`), or put a member in it',
    description:
      'Anyone may join when the organization has open membership; otherwise admins may add members to their own ' +
      'teams and managers to any team.',
  })
  @ApiCreatedResponse({ type: TeamProjectDto })
  async addMember(
    @Param('organizationSlug') organizationSlug: string,
    @Param('memberId') memberId: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { organizationId, teamId, target } = await this.teamMembershipChange(
      req,
      organizationSlug,
      memberId,
      teamSlug,
    );
    await this.organizations.addTeamMember(teamId, target);
    return this.teamDetail(organizationId, teamSlug, req.user.user.id);
  }

  @Delete('organizations/:organizationSlug/members/:memberId/teams/:teamSlug')
  @HttpCode(200)
  @RequireScopes('team:write', 'team:admin')
  @ApiOperation({
    operationId: 'remove_member_from_team',
    summary: 'Leave a team (`me`), or take a member out of it (answers 200 with the team)',
  })
  @ApiOkResponse({ type: TeamProjectDto })
  async removeMember(
    @Param('organizationSlug') organizationSlug: string,
    @Param('memberId') memberId: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<TeamProjectDto> {
    const { organizationId, teamId, target } = await this.teamMembershipChange(
      req,
      organizationSlug,
      memberId,
      teamSlug,
    );
    await this.organizations.removeTeamMember(teamId, target);
    return this.teamDetail(organizationId, teamSlug, req.user.user.id);
  }
}
