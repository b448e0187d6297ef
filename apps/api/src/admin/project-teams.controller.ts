import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganizationRole, TeamEntity } from '@app/organizations';
import { ProjectEntity, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { TenantAccessService } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';
import { ApiAdminErrors } from './api-responses';
import { ProjectTeamDto } from './dto/project.dto';
import { TeamDto } from './dto/team.dto';
import { serializeProjectTeam, serializeTeam } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { PROJECT } from './projects.controller';

/** Which teams have a project. */
@ApiTags('projects')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/projects/:organizationSlug/:projectSlug/teams')
export class ProjectTeamsController {
  constructor(
    private readonly tenants: TenantAccessService,
    private readonly projects: ProjectsService,
  ) {}

  @Get()
  @RequireScopes('team:read', 'team:write', 'team:admin', 'org:read', 'org:write', 'org:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'list_project_teams', summary: 'The teams a project belongs to' })
  @Paged()
  @ApiOkResponse({ type: [TeamDto] })
  teams(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { teams, total } = await this.projects.teamsOfProject(
          tenant.organization.id,
          req.user.user.id,
          project.id,
          page,
        );
        return { items: teams, total };
      },
      (teams) => teams.map(serializeTeam),
    );
  }

  /** The team is looked up after the role check (a 403 before a 404 for an unknown team, as before). */
  private team(tenant: ResolvedTenant, teamSlug: string): Promise<TeamEntity> {
    return this.tenants.team(tenant, teamSlug);
  }

  @Post(':teamSlug')
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Manager })
  @ApiOperation({
    operationId: 'add_team_to_project',
    summary: 'Give a team the project (role manager and up)',
  })
  @ApiCreatedResponse({ type: ProjectTeamDto })
  async addTeam(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectTeamDto> {
    const team = await this.team(tenant, teamSlug);
    await this.projects.linkTeam(project.id, team.id);
    return serializeProjectTeam(await this.projects.summary(project, req.user.user.id));
  }

  @Delete(':teamSlug')
  @HttpCode(200)
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Manager })
  @ApiOperation({
    operationId: 'delete_team_from_project',
    summary: 'Take the project from a team (answers 200 with the project; role manager and up)',
  })
  @ApiOkResponse({ type: ProjectTeamDto })
  async removeTeam(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Param('teamSlug') teamSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<ProjectTeamDto> {
    const team = await this.team(tenant, teamSlug);
    await this.projects.unlinkTeam(project.id, team.id);
    return serializeProjectTeam(await this.projects.summary(project, req.user.user.id));
  }
}
