import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
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
import { APP_CONFIG, AppConfig } from '@app/core';
import { OrganizationRole } from '@app/organizations';
import { ProjectEntity, ProjectKeyEntity, ProjectsService } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { notFound, requireRole } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';
import { ApiAdminErrors } from './api-responses';
import { ProjectKeyDto, ProjectKeyInDto } from './dto/project-key.dto';
import { serializeKey } from './mappers';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { PROJECT } from './projects.controller';

/** A project's DSN keys. ProjectsService tells ingest's key caches about every change. */
@ApiTags('projects')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/projects/:organizationSlug/:projectSlug/keys')
export class ProjectKeysController {
  constructor(
    private readonly projects: ProjectsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async key(project: ProjectEntity, keyId: string): Promise<ProjectKeyEntity> {
    const key = await this.projects.findKey(project.id, keyId);
    if (!key) throw notFound();
    return key;
  }

  @Get()
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'list_project_keys', summary: "A project's DSN keys" })
  @Paged()
  @ApiOkResponse({ type: [ProjectKeyDto] })
  keys(
    @Resolved('project') project: ProjectEntity,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectKeyDto[]> {
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

  @Post()
  @RequireScopes('project:write', 'project:admin')
  @Tenant({ ...PROJECT, role: OrganizationRole.Admin })
  @ApiOperation({ operationId: 'create_project_key', summary: 'A new DSN key (role admin and up)' })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ProjectKeyDto })
  async createKey(
    @Resolved('project') project: ProjectEntity,
    @Body() body: ProjectKeyInDto,
  ): Promise<ProjectKeyDto> {
    let key = await this.projects.createKey(project.id, body.name ?? '', undefined, body.rateLimit ?? null);
    if (body.isActive === false) key = await this.projects.updateKey(key.id, { isActive: false });
    return serializeKey(key, this.config.domain);
  }

  @Get(':keyId')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'get_project_key', summary: 'A DSN key, by its public UUID' })
  @ApiOkResponse({ type: ProjectKeyDto })
  async getKey(
    @Resolved('project') project: ProjectEntity,
    @Param('keyId') keyId: string,
  ): Promise<ProjectKeyDto> {
    return serializeKey(await this.key(project, keyId), this.config.domain);
  }

  // Writes look the key up before the role check: an unknown key is a 404 whatever the role, as before.

  @Put(':keyId')
  @RequireScopes('project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({
    operationId: 'update_project_key',
    summary: 'Rename a key, set or remove (null) its rate limit, or deactivate it (role admin and up)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: ProjectKeyDto })
  async updateKey(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Param('keyId') keyId: string,
    @Body() body: ProjectKeyInDto,
  ): Promise<ProjectKeyDto> {
    const key = await this.key(project, keyId);
    requireRole(tenant, OrganizationRole.Admin);
    const updated = await this.projects.updateKey(key.id, {
      name: body.name === null ? '' : body.name,
      rateLimit: body.rateLimit,
      isActive: body.isActive,
    });
    return serializeKey(updated, this.config.domain);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequireScopes('project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'delete_project_key', summary: 'Delete a DSN key (role admin and up)' })
  @ApiNoContentResponse()
  async deleteKey(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Param('keyId') keyId: string,
  ): Promise<void> {
    const key = await this.key(project, keyId);
    requireRole(tenant, OrganizationRole.Admin);
    await this.projects.deleteKey(key.id);
  }
}
