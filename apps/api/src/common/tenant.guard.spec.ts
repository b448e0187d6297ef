import { ExecutionContext, ForbiddenException, NotFoundException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IssuesService } from '@app/issues';
import { OrganizationRole, OrganizationsRepository, TeamsRepository } from '@app/organizations';
import type { ProjectsRepository } from '@app/projects';
import { TenantAccessService } from './tenant-access.service';
import { ResolvedTenant, Tenant, TenantGuard, TenantRoute } from './tenant.guard';

const organization = { id: '10', slug: 'acme' };
const project = { id: '20', slug: 'web', organizationId: '10' };
const foreignProject = { id: '21', slug: 'other', organizationId: '99' };
const team = { id: '30', slug: 'core', organizationId: '10' };
const issue = { id: '40', projectId: '20' };
const foreignIssue = { id: '41', projectId: '21' };

/** The caller (user 1) is a member of "acme" (id 10) with `role`, and of nothing else. */
function tenants(role: OrganizationRole): TenantAccessService {
  const membership = { organization, role, memberId: '5' };
  const organizations = {
    membershipBySlug: async (userId: string, slug: string) =>
      userId === '1' && slug === 'acme' ? membership : null,
    membershipById: async (userId: string, id: string) => (userId === '1' && id === '10' ? membership : null),
  };
  const teams = {
    findBySlug: async (orgId: string, slug: string) => (orgId === '10' && slug === 'core' ? team : null),
  };
  const projectsRepository = {
    findBySlug: async (orgId: string, slug: string) => (orgId === '10' && slug === 'web' ? project : null),
    findById: async (id: string) => [project, foreignProject].find((p) => p.id === id) ?? null,
  };
  const issues = { findById: async (id: string) => [issue, foreignIssue].find((i) => i.id === id) ?? null };
  return new TenantAccessService(
    organizations as unknown as OrganizationsRepository,
    teams as unknown as TeamsRepository,
    projectsRepository as unknown as ProjectsRepository,
    issues as unknown as IssuesService,
  );
}

/** Runs the guard of a handler declared with `@Tenant(route)` on a request with these path parameters. */
async function guard(
  route: TenantRoute,
  params: Record<string, string>,
  role = OrganizationRole.Member,
): Promise<ResolvedTenant | undefined> {
  class Routes {
    handler(): void {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(Routes.prototype, 'handler')!;
  Tenant(route)(Routes.prototype, 'handler', descriptor);
  const request: Record<string, unknown> = { params, user: { user: { id: '1' }, via: 'session' } };
  const context = {
    getHandler: () => Routes.prototype.handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  await new TenantGuard(new Reflector(), tenants(role)).canActivate(context);
  return request.tenant as ResolvedTenant | undefined;
}

const PROJECT = { organization: 'organizationSlug', project: 'projectSlug' };

describe('TenantGuard and @Tenant', () => {
  it('puts the organization, project and team of the route on the request', async () => {
    const tenant = await guard(
      { ...PROJECT, team: 'teamSlug' },
      { organizationSlug: 'acme', projectSlug: 'web', teamSlug: 'core' },
    );
    expect(tenant).toMatchObject({
      organization,
      role: OrganizationRole.Member,
      memberId: '5',
      project,
      team,
    });
  });

  it('answers 404 Not Found for an organization the caller is not a member of, and for what is not in it', async () => {
    const notFound = { response: { detail: 'Not Found' } };
    await expect(guard(PROJECT, { organizationSlug: 'globex', projectSlug: 'web' })).rejects.toMatchObject(
      notFound,
    );
    await expect(guard(PROJECT, { organizationSlug: 'acme', projectSlug: 'other' })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(
      guard(
        { organization: 'organizationSlug', team: 'teamSlug' },
        { organizationSlug: 'acme', teamSlug: 'x' },
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('answers 403 for a role below the route minimum, only after the lookups (404 first)', async () => {
    const route = { ...PROJECT, role: OrganizationRole.Admin };
    await expect(guard(route, { organizationSlug: 'acme', projectSlug: 'web' })).rejects.toMatchObject({
      response: { detail: 'Permission denied' },
    });
    await expect(guard(route, { organizationSlug: 'acme', projectSlug: 'web' })).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    await expect(guard(route, { organizationSlug: 'acme', projectSlug: 'nope' })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(
      guard(route, { organizationSlug: 'acme', projectSlug: 'web' }, OrganizationRole.Admin),
    ).resolves.toMatchObject({ project });
  });

  it('finds an issue through the membership of its project, and only in the organization of the route', async () => {
    expect(await guard({ issue: 'issueId' }, { issueId: '40' })).toMatchObject({
      issue,
      project,
      organization,
    });
    await expect(guard({ issue: 'issueId' }, { issueId: '41' })).rejects.toBeInstanceOf(NotFoundException);
    await expect(guard({ issue: 'issueId' }, { issueId: 'abc' })).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      guard(
        { issue: 'issueId', organization: 'organizationSlug' },
        { issueId: '40', organizationSlug: 'globex' },
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('leaves routes without @Tenant alone', async () => {
    const context = {
      getHandler: () => () => undefined,
      switchToHttp: () => ({ getRequest: () => ({}) }),
    } as unknown as ExecutionContext;
    await expect(
      new TenantGuard(new Reflector(), tenants(OrganizationRole.Owner)).canActivate(context),
    ).resolves.toBe(true);
  });
});
