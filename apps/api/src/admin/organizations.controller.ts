import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Injectable,
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
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccountsService, OrganizationRole, OrganizationsService, roleAccess } from '@app/organizations';
import { ProjectKeyCache, ProjectsService } from '@app/projects';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { AccessService, OrganizationAccess } from '../common/access.service';
import { ApiAdminErrors, ValidationErrorDto } from './api-responses';
import { EnvironmentDto } from './dto/environment.dto';
import { OrganizationDetailDto } from './dto/organization-detail.dto';
import { OrganizationDto, OrganizationInDto } from './dto/organization.dto';
import { serializeOrganization, serializeProjectTeam, serializeTeam } from './mappers';
import { Paged, paginated, parseVisibility, retryOnSlugRace } from './paginate';
import { GlitchTipValidationPipe, unprocessable } from './validation.pipe';

export type AuthedRequest = Request & { user: AuthContext };

/** OrganizationDetailSchema: the organization with its projects, teams and the caller's `access` scopes. */
@Injectable()
export class OrganizationDetails {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
  ) {}

  async build(access: OrganizationAccess, userId: string): Promise<OrganizationDetailDto> {
    const organization = access.organization;
    const [{ teams }, { projects }] = await Promise.all([
      this.organizations.teams(organization.id, userId),
      this.projects.listProjects(userId, { organizationId: organization.id }),
    ]);
    return {
      ...serializeOrganization(organization),
      projects: projects.map(serializeProjectTeam),
      teams: teams.map(serializeTeam),
      access: roleAccess(access.role),
      openMembership: organization.openMembership,
    };
  }
}

@ApiTags('organizations')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class OrganizationsController {
  constructor(
    private readonly access: AccessService,
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly details: OrganizationDetails,
    private readonly keyCache: ProjectKeyCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('organizations')
  @RequireScopes('org:read', 'org:write', 'org:admin')
  @ApiOperation({ operationId: 'list_organizations', summary: "The caller's organizations, by name" })
  @Paged()
  @ApiOkResponse({ type: [OrganizationDto] })
  list(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<OrganizationDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { organizations, total } = await this.organizations.listForUser(
          req.user.user.id,
          page.offset,
          page.limit,
        );
        return { items: organizations, total };
      },
      (items) => items.map(serializeOrganization),
    );
  }

  @Post('organizations')
  @RequireScopes('org:write', 'org:admin')
  @ApiOperation({
    operationId: 'create_organization',
    summary: 'Create an organization owned by the caller',
    description:
      'Allowed for the first organization of the instance, for superusers, and for everyone when ' +
      'ENABLE_ORGANIZATION_CREATION is true.',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: OrganizationDetailDto })
  async create(@Body() body: OrganizationInDto, @Req() req: AuthedRequest): Promise<OrganizationDetailDto> {
    const user = req.user.user;
    if (
      !this.config.registration.enableOrganizationCreation &&
      !user.isSuperuser &&
      (await this.organizations.anyOrganizationExists())
    )
      throw new ForbiddenException({ detail: 'Organization creation is not open' });
    const name = body.name.trim();
    if (!name) throw unprocessable('name', 'String should have at least 1 character', 'string_too_short');
    const organization = await retryOnSlugRace(() => this.accounts.createOrganization(name, user.id));
    return this.details.build(await this.access.organization(user.id, organization.slug), user.id);
  }

  @Get('organizations/:organizationSlug')
  @RequireScopes('org:read', 'org:write', 'org:admin')
  @ApiOperation({ operationId: 'get_organization', summary: 'An organization with its projects and teams' })
  @ApiOkResponse({ type: OrganizationDetailDto })
  async get(
    @Param('organizationSlug') organizationSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<OrganizationDetailDto> {
    return this.details.build(
      await this.access.organization(req.user.user.id, organizationSlug),
      req.user.user.id,
    );
  }

  @Put('organizations/:organizationSlug')
  @RequireScopes('org:write', 'org:admin')
  @ApiOperation({
    operationId: 'update_organization',
    summary: 'Rename (role manager or owner; the slug stays)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: OrganizationDetailDto })
  async update(
    @Param('organizationSlug') organizationSlug: string,
    @Body() body: OrganizationInDto,
    @Req() req: AuthedRequest,
  ): Promise<OrganizationDetailDto> {
    const access = await this.access.organization(req.user.user.id, organizationSlug);
    this.access.requireRole(access, OrganizationRole.Manager);
    access.organization = await this.organizations.rename(access.organization.id, body.name);
    await this.keyCache.invalidate();
    return this.details.build(access, req.user.user.id);
  }

  @Delete('organizations/:organizationSlug')
  @HttpCode(204)
  @RequireScopes('org:admin')
  @ApiOperation({
    operationId: 'delete_organization',
    summary: 'Delete an organization with its projects, issues and events (role owner)',
  })
  @ApiNoContentResponse()
  async delete(
    @Param('organizationSlug') organizationSlug: string,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const access = await this.access.organization(req.user.user.id, organizationSlug);
    this.access.requireRole(access, OrganizationRole.Owner);
    await this.projects.deleteOrganization(access.organization.id);
    await this.keyCache.invalidate();
  }

  @Get('organizations/:organizationSlug/environments')
  @RequireScopes('org:read', 'org:write', 'org:admin')
  @ApiOperation({
    operationId: 'list_environments',
    summary: "The organization's environments (visible in at least one project, by default)",
  })
  @ApiQuery({ name: 'visibility', required: false, enum: ['all', 'hidden', 'visible'] })
  @Paged()
  @ApiOkResponse({ type: [EnvironmentDto] })
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  async environments(
    @Param('organizationSlug') organizationSlug: string,
    @Query('visibility') visibility: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnvironmentDto[]> {
    const access = await this.access.organization(req.user.user.id, organizationSlug);
    return paginated(
      req,
      res,
      async (page) => {
        const { environments, total } = await this.projects.organizationEnvironments(
          access.organization.id,
          parseVisibility(visibility),
          page,
        );
        return { items: environments, total };
      },
      (items) => items,
    );
  }
}
