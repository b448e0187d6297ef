import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
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
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/core';
import { OrganizationRole, OrganizationsService } from '@app/organizations';
import { ProjectEntity, ProjectKeyCache, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { AccessService } from '../common/access.service';
import { ApiAdminErrors, ErrorDto, ValidationErrorDto } from './api-responses';
import { EnvironmentProjectDto, EnvironmentProjectInDto } from './dto/environment.dto';
import { ProjectKeyDto, ProjectKeyInDto } from './dto/project-key.dto';
import { ProjectOrganizationDto, ProjectTeamDto, UpdateProjectDto } from './dto/project.dto';
import { TeamDto } from './dto/team.dto';
import { serializeKey, serializeProjectOrganization, serializeProjectTeam, serializeTeam } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated, parseVisibility } from './paginate';
import { GlitchTipValidationPipe } from './validation.pipe';

/** `team:<slug>` and `!team:<slug>` terms of the organization projects query. */
function teamFilters(query: unknown): { withTeamSlugs: string[]; withoutTeamSlugs: string[] } {
  const withTeamSlugs: string[] = [];
  const withoutTeamSlugs: string[] = [];
  for (const term of typeof query === 'string' ? query.split(/\s+/) : []) {
    const [name, value] = term.split(/:(.*)/s, 2) as [string, string | undefined];
    if (!value) continue;
    if (name === 'team') withTeamSlugs.push(value);
    if (name === '!team') withoutTeamSlugs.push(value);
  }
  return { withTeamSlugs, withoutTeamSlugs };
}

@ApiTags('projects')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class ProjectsController {
  constructor(
    private readonly access: AccessService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly keyCache: ProjectKeyCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async withOrganization(project: ProjectEntity, userId: string): Promise<ProjectOrganizationDto> {
    const [organization] = await this.organizations.organizationsByIds([project.organizationId]);
    return serializeProjectOrganization(await this.projects.summary(project, userId), organization!);
  }

  @Get('projects')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({ operationId: 'list_projects', summary: 'Every project the caller can see, by name' })
  @Paged()
  @ApiOkResponse({ type: [ProjectOrganizationDto] })
  list(
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectOrganizationDto[]> {
    const userId = req.user.user.id;
    return paginated(
      req,
      res,
      async (page) => {
        const { projects, total } = await this.projects.listProjects(userId, {}, page);
        return { items: projects, total };
      },
      async (projects) => {
        const organizations = new Map(
          (
            await this.organizations.organizationsByIds([
              ...new Set(projects.map((p) => p.project.organizationId)),
            ])
          ).map((o) => [String(o.id), o]),
        );
        return projects.map((p) =>
          serializeProjectOrganization(p, organizations.get(String(p.project.organizationId))!),
        );
      },
    );
  }

  @Get('organizations/:organizationSlug/projects')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({
    operationId: 'list_organization_projects',
    summary: "An organization's projects with their teams",
  })
  @ApiQuery({ name: 'query', required: false, description: '`team:<slug>` and/or `!team:<slug>`' })
  @Paged()
  @ApiOkResponse({ type: [ProjectTeamDto] })
  async listForOrganization(
    @Param('organizationSlug') organizationSlug: string,
    @Query('query') query: unknown,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectTeamDto[]> {
    const userId = req.user.user.id;
    const access = await this.access.organization(userId, organizationSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { projects, total } = await this.projects.listProjects(
          userId,
          { organizationId: access.organization.id, ...teamFilters(query) },
          page,
        );
        return { items: projects, total };
      },
      (projects) => projects.map(serializeProjectTeam),
    );
  }

  @Get('projects/:organizationSlug/:projectSlug')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({ operationId: 'get_project', summary: 'A project with its organization' })
  @ApiOkResponse({ type: ProjectOrganizationDto })
  async get(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectOrganizationDto> {
    const { project } = await this.access.projectAccess(req.user.user.id, organizationSlug, projectSlug);
    return this.withOrganization(project, req.user.user.id);
  }

  @Put('projects/:organizationSlug/:projectSlug')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'update_project',
    summary: 'Change name, slug, platform or throttle rate; fields left out stay (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: ProjectOrganizationDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async update(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Body() body: UpdateProjectDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectOrganizationDto> {
    const { access, project } = await this.access.projectAccess(
      req.user.user.id,
      organizationSlug,
      projectSlug,
    );
    this.access.requireRole(access, OrganizationRole.Admin);
    const updated = await this.projects.updateProject(project.id, {
      name: body.name,
      slug: body.slug,
      platform: body.platform,
      eventThrottleRate: body.eventThrottleRate,
    });
    if (!updated)
      throw new ConflictException({ detail: `A project with the slug "${body.slug}" already exists` });
    await this.keyCache.invalidate();
    return this.withOrganization(updated, req.user.user.id);
  }

  @Delete('projects/:organizationSlug/:projectSlug')
  @HttpCode(204)
  @RequireScopes('project:admin')
  @ApiOperation({
    operationId: 'delete_project',
    summary: 'Delete a project, its issues and events (role admin and up)',
  })
  @ApiNoContentResponse()
  async delete(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const { access, project } = await this.access.projectAccess(
      req.user.user.id,
      organizationSlug,
      projectSlug,
    );
    this.access.requireRole(access, OrganizationRole.Admin);
    await this.projects.deleteProject(project.id);
    await this.keyCache.invalidate();
  }

  // Project ↔ team

  @Get('projects/:organizationSlug/:projectSlug/teams')
  @RequireScopes('team:read', 'team:write', 'team:admin', 'org:read', 'org:write', 'org:admin')
  @ApiOperation({ operationId: 'list_project_teams', summary: 'The teams a project belongs to' })
  @Paged()
  @ApiOkResponse({ type: [TeamDto] })
  async teams(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamDto[]> {
    const userId = req.user.user.id;
    const { access, project } = await this.access.projectAccess(userId, organizationSlug, projectSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { teams, total } = await this.projects.teamsOfProject(
          access.organization.id,
          userId,
          project.id,
          page,
        );
        return { items: teams, total };
      },
      (teams) => teams.map(serializeTeam),
    );
  }

  private async linkContext(
    req: AuthedRequest,
    organizationSlug: string,
    projectSlug: string,
    teamSlug: string,
  ) {
    const userId = req.user.user.id;
    const { access, project } = await this.access.projectAccess(userId, organizationSlug, projectSlug);
    this.access.requireRole(access, OrganizationRole.Manager);
    const { team } = await this.access.team(userId, organizationSlug, teamSlug);
    return { project, team, userId };
  }

  @Post('projects/:organizationSlug/:projectSlug/teams/:teamSlug')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'add_team_to_project',
    summary: 'Give a team the project (role manager and up)',
  })
  @ApiCreatedResponse({ type: ProjectTeamDto })
  async addTeam(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectTeamDto> {
    const { project, team, userId } = await this.linkContext(req, organizationSlug, projectSlug, teamSlug);
    await this.projects.linkTeam(project.id, team.id);
    return serializeProjectTeam(await this.projects.summary(project, userId));
  }

  @Delete('projects/:organizationSlug/:projectSlug/teams/:teamSlug')
  @HttpCode(200)
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'delete_team_from_project',
    summary: 'Take the project from a team (answers 200 with the project; role manager and up)',
  })
  @ApiOkResponse({ type: ProjectTeamDto })
  async removeTeam(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectTeamDto> {
    const { project, team, userId } = await this.linkContext(req, organizationSlug, projectSlug, teamSlug);
    await this.projects.unlinkTeam(project.id, team.id);
    return serializeProjectTeam(await this.projects.summary(project, userId));
  }

  // DSN keys

  @Get('projects/:organizationSlug/:projectSlug/keys')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({ operationId: 'list_project_keys', summary: "A project's DSN keys" })
  @Paged()
  @ApiOkResponse({ type: [ProjectKeyDto] })
  async keys(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectKeyDto[]> {
    const { project } = await this.access.projectAccess(req.user.user.id, organizationSlug, projectSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { keys, total } = await this.projects.listKeys(project.id, page);
        return { items: keys, total };
      },
      (keys) => keys.map((k) => serializeKey(k, this.config.domain)),
    );
  }

  @Post('projects/:organizationSlug/:projectSlug/keys')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({ operationId: 'create_project_key', summary: 'A new DSN key (role admin and up)' })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ProjectKeyDto })
  async createKey(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Body() body: ProjectKeyInDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectKeyDto> {
    const { access, project } = await this.access.projectAccess(
      req.user.user.id,
      organizationSlug,
      projectSlug,
    );
    this.access.requireRole(access, OrganizationRole.Admin);
    let key = await this.projects.createKey(project.id, body.name ?? '', undefined, body.rateLimit ?? null);
    if (body.isActive === false) key = await this.projects.updateKey(key.id, { isActive: false });
    await this.keyCache.invalidate();
    return serializeKey(key, this.config.domain);
  }

  private async key(req: AuthedRequest, organizationSlug: string, projectSlug: string, keyId: string) {
    const { access, project } = await this.access.projectAccess(
      req.user.user.id,
      organizationSlug,
      projectSlug,
    );
    const key = await this.projects.findKey(project.id, keyId);
    if (!key) throw new NotFoundException({ detail: 'Not Found' });
    return { access, key };
  }

  @Get('projects/:organizationSlug/:projectSlug/keys/:keyId')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({ operationId: 'get_project_key', summary: 'A DSN key, by its public UUID' })
  @ApiOkResponse({ type: ProjectKeyDto })
  async getKey(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('keyId') keyId: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectKeyDto> {
    const { key } = await this.key(req, organizationSlug, projectSlug, keyId);
    return serializeKey(key, this.config.domain);
  }

  @Put('projects/:organizationSlug/:projectSlug/keys/:keyId')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'update_project_key',
    summary: 'Rename a key, set or remove (null) its rate limit, or deactivate it (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: ProjectKeyDto })
  async updateKey(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('keyId') keyId: string,
    @Body() body: ProjectKeyInDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectKeyDto> {
    const { access, key } = await this.key(req, organizationSlug, projectSlug, keyId);
    this.access.requireRole(access, OrganizationRole.Admin);
    const updated = await this.projects.updateKey(key.id, {
      name: body.name === null ? '' : body.name,
      rateLimit: body.rateLimit,
      isActive: body.isActive,
    });
    await this.keyCache.invalidate();
    return serializeKey(updated, this.config.domain);
  }

  @Delete('projects/:organizationSlug/:projectSlug/keys/:keyId')
  @HttpCode(204)
  @RequireScopes('project:admin')
  @ApiOperation({ operationId: 'delete_project_key', summary: 'Delete a DSN key (role admin and up)' })
  @ApiNoContentResponse()
  async deleteKey(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('keyId') keyId: string,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const { access, key } = await this.key(req, organizationSlug, projectSlug, keyId);
    this.access.requireRole(access, OrganizationRole.Admin);
    await this.projects.deleteKey(key.id);
    await this.keyCache.invalidate();
  }

  // Environments

  @Get('projects/:organizationSlug/:projectSlug/environments')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @ApiOperation({ operationId: 'list_project_environments', summary: "A project's environments" })
  @ApiQuery({ name: 'visibility', required: false, enum: ['all', 'hidden', 'visible'] })
  @Paged()
  @ApiOkResponse({ type: [EnvironmentProjectDto] })
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  async environments(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Query('visibility') visibility: unknown,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnvironmentProjectDto[]> {
    const filter = parseVisibility(visibility);
    const { project } = await this.access.projectAccess(req.user.user.id, organizationSlug, projectSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { environments, total } = await this.projects.projectEnvironments(project.id, filter, page);
        return { items: environments, total };
      },
      (items) => items,
    );
  }

  @Put('projects/:organizationSlug/:projectSlug/environments/:name')
  @RequireScopes('project:write', 'project:admin')
  @ApiOperation({
    operationId: 'update_environment_project',
    summary: 'Hide or show an environment (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: EnvironmentProjectDto })
  async updateEnvironment(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Param('name') name: string,
    @Body() body: EnvironmentProjectInDto,
    @Req() req: AuthedRequest,
  ): Promise<EnvironmentProjectDto> {
    const { access, project } = await this.access.projectAccess(
      req.user.user.id,
      organizationSlug,
      projectSlug,
    );
    this.access.requireRole(access, OrganizationRole.Admin);
    const environment = await this.projects.setEnvironmentHidden(project.id, name, body.isHidden);
    if (!environment) throw new NotFoundException({ detail: 'Not Found' });
    return environment;
  }
}
