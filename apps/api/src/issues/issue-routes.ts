import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { Tenant } from '../common/tenant.guard';

/**
 * Every per-issue route answers at `/api/0/issues/{id}/…` (the web UI) and at
 * `/api/0/organizations/{org}/issues/{id}/…` (the MCP clients). Each controller is declared once by a factory
 * and instantiated for both scopes, so the OpenAPI document gets two operations with their own ids and path
 * parameters, served by the same code.
 */
export type IssueRouteScope = 'issue' | 'organization';

export interface IssueRoutes {
  /** The route of the issue itself, e.g. `issues/:issueId` or `organizations/:organizationSlug/issues/:issueId`. */
  base: string;
  /** `get_issue` → `get_organization_issue` in the organization scope. */
  op(id: string): string;
  /** Class decorator declaring the organization path parameter in that scope. */
  params: ClassDecorator;
  /** Method decorator: the route needs the issue, within the organization in that scope (`@Tenant`). */
  tenant: MethodDecorator;
}

export function issueRoutes(scope: IssueRouteScope): IssueRoutes {
  const organization = scope === 'organization';
  return {
    base: organization ? 'organizations/:organizationSlug/issues/:issueId' : 'issues/:issueId',
    op: (id) => (organization ? id.replace(/^([a-z]+)_/, '$1_organization_') : id),
    params: organization
      ? applyDecorators(ApiParam({ name: 'organizationSlug', description: 'Organization slug' }))
      : applyDecorators(),
    tenant: organization
      ? Tenant({ issue: 'issueId', organization: 'organizationSlug' }, ['organizationSlug'])
      : Tenant({ issue: 'issueId' }),
  };
}
