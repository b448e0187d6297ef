import { Body, Controller, Get, Param, Put, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganizationRole } from '@app/organizations';
import { ProjectEntity, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { notFound } from '../common/tenant-access.service';
import { Resolved, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';
import { ApiAdminErrors, ValidationErrorDto } from './api-responses';
import { EnvironmentProjectDto, EnvironmentProjectInDto } from './dto/environment.dto';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated, parseVisibility } from './paginate';
import { PROJECT } from './projects.controller';

/** A project's environments (created by ingest), and hiding them. */
@ApiTags('projects')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/projects/:organizationSlug/:projectSlug/environments')
export class ProjectEnvironmentsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'list_project_environments', summary: "A project's environments" })
  @ApiQuery({ name: 'visibility', required: false, enum: ['all', 'hidden', 'visible'] })
  @Paged()
  @ApiOkResponse({ type: [EnvironmentProjectDto] })
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  environments(
    @Resolved('project') project: ProjectEntity,
    @Query('visibility') visibility: unknown,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnvironmentProjectDto[]> {
    const filter = parseVisibility(visibility);
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

  @Put(':name')
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Admin })
  @ApiOperation({
    operationId: 'update_environment_project',
    summary: 'Hide or show an environment (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: EnvironmentProjectDto })
  async updateEnvironment(
    @Resolved('project') project: ProjectEntity,
    @Param('name') name: string,
    @Body() body: EnvironmentProjectInDto,
  ): Promise<EnvironmentProjectDto> {
    const environment = await this.projects.setEnvironmentHidden(project.id, name, body.isHidden);
    if (!environment) throw notFound();
    return environment;
  }
}
