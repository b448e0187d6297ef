import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { IssueEntity, IssuesService } from '@app/issues';
import {
  Membership,
  OrganizationRole,
  OrganizationsRepository,
  TeamEntity,
  TeamsRepository,
} from '@app/organizations';
import { ProjectEntity, ProjectsRepository } from '@app/projects';

/** GlitchTip answers 404 for anything outside the caller's organizations, whether it exists or not. */
export const notFound = () => new NotFoundException({ detail: 'Not Found' });

const ID = /^\d{1,18}$/;

/** 403 unless the caller's role is at least `minimum` (member < admin < manager < owner). */
export function requireRole(membership: Membership, minimum: OrganizationRole): void {
  if (membership.role < minimum) throw new ForbiddenException({ detail: 'Permission denied' });
}

/** An issue the caller can reach, with its project and the caller's membership of the project's organization. */
export interface IssueAccess {
  membership: Membership;
  project: ProjectEntity;
  issue: IssueEntity;
}

/**
 * Tenant isolation in one place: every lookup by slug or id goes through the caller's memberships, and anything
 * outside them is a 404. Each lookup is one query to the lib that owns the table.
 */
@Injectable()
export class TenantAccessService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly teams: TeamsRepository,
    private readonly projects: ProjectsRepository,
    private readonly issues: IssuesService,
  ) {}

  async organization(userId: string, organizationSlug: string): Promise<Membership> {
    return (await this.organizations.membershipBySlug(userId, organizationSlug)) ?? throwNotFound();
  }

  async team(membership: Membership, teamSlug: string): Promise<TeamEntity> {
    return (await this.teams.findBySlug(membership.organization.id, teamSlug)) ?? throwNotFound();
  }

  async project(membership: Membership, projectSlug: string): Promise<ProjectEntity> {
    return (await this.projects.findBySlug(membership.organization.id, projectSlug)) ?? throwNotFound();
  }

  /**
   * An issue of one of the caller's organizations; on organization-scoped routes (`organizationSlug` given) only
   * an issue of that organization.
   */
  async issue(userId: string, issueId: string, organizationSlug?: string): Promise<IssueAccess> {
    if (!ID.test(issueId)) throw notFound();
    const scoped = organizationSlug === undefined ? null : await this.organization(userId, organizationSlug);
    const issue = (await this.issues.findById(issueId)) ?? throwNotFound();
    const project = (await this.projects.findById(String(issue.projectId))) ?? throwNotFound();
    if (scoped && String(project.organizationId) !== String(scoped.organization.id)) throw notFound();
    const membership =
      scoped ??
      (await this.organizations.membershipById(userId, String(project.organizationId))) ??
      throwNotFound();
    return { membership, project, issue };
  }

  /** Whether a project id belongs to one of the caller's organizations. */
  async canSeeProject(userId: string, projectId: string): Promise<boolean> {
    if (!ID.test(projectId)) return false;
    const project = await this.projects.findById(projectId);
    return !!project && !!(await this.organizations.membershipById(userId, String(project.organizationId)));
  }
}

function throwNotFound(): never {
  throw notFound();
}
