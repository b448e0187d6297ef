import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrganizationEntity, OrganizationRole, TeamEntity } from '@app/organizations';
import { ProjectEntity } from '@app/projects';
import { IssueEntity } from '@app/issues';

export interface OrganizationAccess {
  organization: OrganizationEntity;
  role: OrganizationRole;
  memberId: string;
}

/**
 * Tenant isolation in one place: every lookup by slug or id goes through the caller's memberships, and
 * anything outside them is a 404, as GlitchTip answers.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async organization(userId: string, organizationSlug: string): Promise<OrganizationAccess> {
    const rows: Array<{ id: string; role: number; member_id: string }> = await this.dataSource.query(
      `SELECT o.id, ou.role, ou.id AS member_id FROM organizations o
         JOIN organization_users ou ON ou.organization_id = o.id AND ou.user_id = $2
        WHERE o.slug = $1`,
      [organizationSlug, userId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException({ detail: 'Not Found' });
    const organization = await this.dataSource
      .getRepository(OrganizationEntity)
      .findOneByOrFail({ id: row.id });
    return { organization, role: row.role, memberId: row.member_id };
  }

  /** 403 unless the caller's role is at least `minimum` (member < admin < manager < owner). */
  requireRole(access: OrganizationAccess, minimum: OrganizationRole): void {
    if (access.role < minimum) throw new ForbiddenException({ detail: 'Permission denied' });
  }

  /** A team of one of the caller's organizations, with the caller's access to that organization. */
  async team(
    userId: string,
    organizationSlug: string,
    teamSlug: string,
  ): Promise<{ access: OrganizationAccess; team: TeamEntity }> {
    const access = await this.organization(userId, organizationSlug);
    const team = await this.dataSource
      .getRepository(TeamEntity)
      .findOneBy({ organizationId: access.organization.id, slug: teamSlug });
    if (!team) throw new NotFoundException({ detail: 'Not Found' });
    return { access, team };
  }

  /** A project of one of the caller's organizations, with the caller's access to that organization. */
  async projectAccess(
    userId: string,
    organizationSlug: string,
    projectSlug: string,
  ): Promise<{ access: OrganizationAccess; project: ProjectEntity }> {
    const access = await this.organization(userId, organizationSlug);
    const project = await this.dataSource
      .getRepository(ProjectEntity)
      .findOneBy({ organizationId: access.organization.id, slug: projectSlug });
    if (!project) throw new NotFoundException({ detail: 'Not Found' });
    return { access, project };
  }

  async project(userId: string, organizationSlug: string, projectSlug: string): Promise<ProjectEntity> {
    const access = await this.organization(userId, organizationSlug);
    const project = await this.dataSource
      .getRepository(ProjectEntity)
      .findOneBy({ organizationId: access.organization.id, slug: projectSlug });
    if (!project) throw new NotFoundException({ detail: 'Not Found' });
    return project;
  }

  /** Whether a project id belongs to one of the caller's organizations. */
  async canSeeProject(userId: string, projectId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(projectId)) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM projects p JOIN organization_users ou ON ou.organization_id = p.organization_id AND ou.user_id = $2
        WHERE p.id = $1`,
      [projectId, userId],
    );
    return rows.length > 0;
  }

  async issue(userId: string, issueId: string): Promise<IssueEntity> {
    if (!/^\d{1,18}$/.test(issueId)) throw new NotFoundException({ detail: 'Not Found' });
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT i.id FROM issues i JOIN projects p ON p.id = i.project_id
         JOIN organization_users ou ON ou.organization_id = p.organization_id AND ou.user_id = $2
        WHERE i.id = $1`,
      [issueId, userId],
    );
    if (!rows[0]) throw new NotFoundException({ detail: 'Not Found' });
    return this.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: issueId });
  }
}
