import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import type { IssueEntity } from '@app/issues';
import type { Membership, OrganizationRole, TeamEntity } from '@app/organizations';
import type { ProjectEntity } from '@app/projects';
import type { AuthContext } from '../auth/auth-context';
import { requireRole, TenantAccessService } from './tenant-access.service';

/**
 * What a route needs, by the names of its path parameters: `@Tenant({ organization: 'organizationSlug', project:
 * 'projectSlug', role: OrganizationRole.Admin })`. The organization is found among the caller's memberships, then
 * the project, team or issue inside it; anything outside them is a 404, a lower role than `role` a 403.
 */
export interface TenantRoute {
  organization?: string;
  project?: string;
  team?: string;
  /** An issue of any of the caller's organizations, or of `organization`'s when that is given too. */
  issue?: string;
  role?: OrganizationRole;
}

/** What the guard found, for the handler (`@Resolved()`). */
export interface ResolvedTenant extends Membership {
  project?: ProjectEntity;
  team?: TeamEntity;
  issue?: IssueEntity;
}

export const TENANT_KEY = 'tenantRoute';

type TenantRequest = Request & { user?: AuthContext; tenant?: ResolvedTenant };

/**
 * Resolves the route's tenant once, before the handler and its body or query validation. Runs after the
 * authentication guard (class guards before route guards), so token scope failures still come first.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<TenantRoute | undefined>(TENANT_KEY, context.getHandler());
    if (!route) return true;
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const userId = request.user?.user.id;
    if (!userId) throw new UnauthorizedException({ detail: 'Unauthorized' });
    request.tenant = await this.resolve(route, userId, (name) => String(request.params[name] ?? ''));
    return true;
  }

  private async resolve(
    route: TenantRoute,
    userId: string,
    param: (name: string) => string,
  ): Promise<ResolvedTenant> {
    let tenant: ResolvedTenant;
    if (route.issue) {
      const organizationSlug = route.organization ? param(route.organization) : undefined;
      const { membership, project, issue } = await this.tenants.issue(
        userId,
        param(route.issue),
        organizationSlug,
      );
      tenant = { ...membership, project, issue };
    } else if (route.organization) {
      tenant = { ...(await this.tenants.organization(userId, param(route.organization))) };
      if (route.project) tenant.project = await this.tenants.project(tenant, param(route.project));
      if (route.team) tenant.team = await this.tenants.team(tenant, param(route.team));
    } else {
      throw new Error('@Tenant needs an organization or an issue parameter');
    }
    if (route.role !== undefined) requireRole(tenant, route.role);
    return tenant;
  }
}

/**
 * Declares the tenant a route needs (see TenantRoute) and documents its path parameters, but those in
 * `documentedByClass` (a class-level `@ApiParam` that a route-level one would replace).
 */
export function Tenant(route: TenantRoute, documentedByClass: string[] = []): MethodDecorator {
  const params = [route.organization, route.project, route.team, route.issue].filter(
    (name): name is string => !!name && !documentedByClass.includes(name),
  );
  return applyDecorators(
    SetMetadata(TENANT_KEY, route),
    UseGuards(TenantGuard),
    ...params.map((name) => ApiParam({ name, type: String })),
  );
}

/**
 * The tenant the route's `@Tenant` resolved, or one part of it: `@Resolved() tenant: ResolvedTenant`,
 * `@Resolved('project') project: ProjectEntity`.
 */
export const Resolved = createParamDecorator(
  (part: 'project' | 'team' | 'issue' | undefined, context: ExecutionContext) => {
    const tenant = context.switchToHttp().getRequest<TenantRequest>().tenant;
    const value = part ? tenant?.[part] : tenant;
    // A route that reads what it did not declare is a programming error, not the caller's.
    if (!value) throw new Error(`@Resolved(${part ?? ''}) on a route without a matching @Tenant`);
    return value;
  },
);
