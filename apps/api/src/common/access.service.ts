import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrganizationEntity, OrganizationRole } from '@app/organizations';
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

  async project(userId: string, organizationSlug: string, projectSlug: string): Promise<ProjectEntity> {
    const access = await this.organization(userId, organizationSlug);
    const project = await this.dataSource
      .getRepository(ProjectEntity)
      .findOneBy({ organizationId: access.organization.id, slug: projectSlug });
    if (!project) throw new NotFoundException({ detail: 'Not Found' });
    return project;
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
