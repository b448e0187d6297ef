import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganizationRole, OrganizationsService } from '@app/organizations';
import { ProjectEntity, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';
import { ApiAdminErrors, ErrorDto } from './api-responses';
import { ProjectOrganizationDto, ProjectTeamDto, UpdateProjectDto } from './dto/project.dto';
import { serializeProjectOrganization, serializeProjectTeam } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';

/** The route parameters of a project: `projects/:organizationSlug/:projectSlug/...`. */
export const PROJECT = { organization: 'organizationSlug', project: 'projectSlug' } as const;

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

/** Projects themselves; their teams, DSN keys and environments have controllers of their own. */
@ApiTags('projects')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class ProjectsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
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
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({
    operationId: 'list_organization_projects',
    summary: "An organization's projects with their teams",
  })
  @ApiQuery({ name: 'query', required: false, description: '`team:<slug>` and/or `!team:<slug>`' })
  @Paged()
  @ApiOkResponse({ type: [ProjectTeamDto] })
  listForOrganization(
    @Resolved() tenant: ResolvedTenant,
    @Query('query') query: unknown,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectTeamDto[]> {
    const userId = req.user.user.id;
    return paginated(
      req,
      res,
      async (page) => {
        const { projects, total } = await this.projects.listProjects(
          userId,
          { organizationId: tenant.organization.id, ...teamFilters(query) },
          page,
        );
        return { items: projects, total };
      },
      (projects) => projects.map(serializeProjectTeam),
    );
  }

  @Get('projects/:organizationSlug/:projectSlug')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'get_project', summary: 'A project with its organization' })
  @ApiOkResponse({ type: ProjectOrganizationDto })
  get(
    @Resolved('project') project: ProjectEntity,
    @Req() req: AuthedRequest,
  ): Promise<ProjectOrganizationDto> {
    return this.withOrganization(project, req.user.user.id);
  }

  @Put('projects/:organizationSlug/:projectSlug')
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'update_project',
    summary: 'Change name, slug, platform or throttle rate; fields left out stay (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: ProjectOrganizationDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The slug is taken' })
  async update(
    @Resolved('project') project: ProjectEntity,
    @Body() body: UpdateProjectDto,
    @Req() req: AuthedRequest,
  ): Promise<ProjectOrganizationDto> {
    const updated = await this.projects.updateProject(project.id, {
      name: body.name,
      slug: body.slug,
      platform: body.platform,
      eventThrottleRate: body.eventThrottleRate,
    });
    if (!updated)
      throw new ConflictException({ detail: `A project with the slug "${body.slug}" already exists` });
    return this.withOrganization(updated, req.user.user.id);
  }

  @Delete('projects/:organizationSlug/:projectSlug')
  @HttpCode(204)
  @RequireScopes('project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'delete_project',
    summary: 'Delete a project, its issues and events (role admin and up)',
  })
  @ApiNoContentResponse()
  async delete(@Resolved('project') project: ProjectEntity): Promise<void> {
    await this.projects.deleteProject(project.id);
  }
}
