import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Injectable,
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
import {
  AccountsService,
  Membership,
  OrganizationRole,
  OrganizationsService,
  roleAccess,
} from '@app/organizations';
import { ProjectsService } from '@app/projects';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { TenantAccessService } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { ApiAdminErrors, ValidationErrorDto } from './api-responses';
import { EnvironmentDto } from './dto/environment.dto';
import { OrganizationDetailDto } from './dto/organization-detail.dto';
import { OrganizationDto, OrganizationInDto } from './dto/organization.dto';
import { serializeOrganization, serializeProjectTeam, serializeTeam } from './mappers';
import { Paged, paginated, parseVisibility, retryOnSlugRace } from './paginate';
import { GlitchTipValidationPipe, unprocessable } from '../common/validation.pipe';

export type AuthedRequest = Request & { user: AuthContext };

/** OrganizationDetailSchema: the organization with its projects, teams and the caller's `access` scopes. */
@Injectable()
export class OrganizationDetails {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
  ) {}

  async build(membership: Membership, userId: string): Promise<OrganizationDetailDto> {
    const organization = membership.organization;
    const [{ teams }, { projects }] = await Promise.all([
      this.organizations.teams(organization.id, userId),
      this.projects.listProjects(userId, { organizationId: organization.id }),
    ]);
    return {
      ...serializeOrganization(organization),
      projects: projects.map(serializeProjectTeam),
      teams: teams.map(serializeTeam),
      access: roleAccess(membership.role),
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
    private readonly tenants: TenantAccessService,
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly details: OrganizationDetails,
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
    return this.details.build(await this.tenants.organization(user.id, organization.slug), user.id);
  }

  @Get('organizations/:organizationSlug')
  @RequireScopes('org:read', 'org:write', 'org:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({ operationId: 'get_organization', summary: 'An organization with its projects and teams' })
  @ApiOkResponse({ type: OrganizationDetailDto })
  get(@Resolved() tenant: ResolvedTenant, @Req() req: AuthedRequest): Promise<OrganizationDetailDto> {
    return this.details.build(tenant, req.user.user.id);
  }

  @Put('organizations/:organizationSlug')
  @RequireScopes('org:write', 'org:admin')
  @Tenant({ organization: 'organizationSlug', role: OrganizationRole.Manager })
  @ApiOperation({
    operationId: 'update_organization',
    summary: 'Rename (role manager or owner; the slug stays)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: OrganizationDetailDto })
  async update(
    @Resolved() tenant: ResolvedTenant,
    @Body() body: OrganizationInDto,
    @Req() req: AuthedRequest,
  ): Promise<OrganizationDetailDto> {
    const organization = await this.organizations.rename(tenant.organization.id, body.name);
    return this.details.build({ ...tenant, organization }, req.user.user.id);
  }

  @Delete('organizations/:organizationSlug')
  @HttpCode(204)
  @RequireScopes('org:admin')
  @Tenant({ organization: 'organizationSlug', role: OrganizationRole.Owner })
  @ApiOperation({
    operationId: 'delete_organization',
    summary: 'Delete an organization with its projects, issues and events (role owner)',
  })
  @ApiNoContentResponse()
  async delete(@Resolved() tenant: ResolvedTenant): Promise<void> {
    await this.projects.deleteOrganization(tenant.organization.id);
  }

  @Get('organizations/:organizationSlug/environments')
  @RequireScopes('org:read', 'org:write', 'org:admin')
  @Tenant({ organization: 'organizationSlug' })
  @ApiOperation({
    operationId: 'list_environments',
    summary: "The organization's environments (visible in at least one project, by default)",
  })
  @ApiQuery({ name: 'visibility', required: false, enum: ['all', 'hidden', 'visible'] })
  @Paged()
  @ApiOkResponse({ type: [EnvironmentDto] })
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  async environments(
    @Resolved() tenant: ResolvedTenant,
    @Query('visibility') visibility: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnvironmentDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { environments, total } = await this.projects.organizationEnvironments(
          tenant.organization.id,
          parseVisibility(visibility),
          page,
        );
        return { items: environments, total };
      },
      (items) => items,
    );
  }
}
