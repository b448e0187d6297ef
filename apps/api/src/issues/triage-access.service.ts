import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { IssueEntity } from '@app/issues';
import { OrganizationRole } from '@app/organizations';
import { ProjectEntity } from '@app/projects';
import { AccessService } from '../common/access.service';

export interface IssueAccess {
  issue: IssueEntity;
  project: ProjectEntity;
  organizationSlug: string;
  role: OrganizationRole;
}

export interface OrganizationProjects {
  organizationId: string;
  organizationSlug: string;
  /** The organization's projects, narrowed to the requested ones when `project` ids were given. */
  projects: ProjectEntity[];
  /** Every project of the organization, whatever `project` asked for. */
  allProjects: ProjectEntity[];
}

const NOT_FOUND = () => new NotFoundException({ detail: 'Not Found' });

/**
 * Tenant scoping for the triage routes, on top of AccessService: an issue is found only through the caller's
 * memberships (and, on org-scoped routes, only in that organization); anything else is a 404.
 */
@Injectable()
export class TriageAccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async issue(userId: string, issueId: string, organizationSlug?: string): Promise<IssueAccess> {
    const issue = await this.access.issue(userId, issueId);
    const rows: Array<{ slug: string; role: number }> = await this.dataSource.query(
      `SELECT o.slug, ou.role FROM projects p JOIN organizations o ON o.id = p.organization_id
         JOIN organization_users ou ON ou.organization_id = o.id AND ou.user_id = $2
        WHERE p.id = $1`,
      [issue.projectId, userId],
    );
    const row = rows[0];
    if (!row || (organizationSlug !== undefined && row.slug !== organizationSlug)) throw NOT_FOUND();
    const project = await this.dataSource
      .getRepository(ProjectEntity)
      .findOneByOrFail({ id: issue.projectId });
    return { issue, project, organizationSlug: row.slug, role: row.role };
  }

  async organizationProjects(
    userId: string,
    organizationSlug: string,
    projectIds: string[] = [],
  ): Promise<OrganizationProjects> {
    const { organization } = await this.access.organization(userId, organizationSlug);
    const all = await this.dataSource
      .getRepository(ProjectEntity)
      .find({ where: { organizationId: organization.id }, order: { id: 'ASC' } });
    const wanted = new Set(projectIds);
    return {
      organizationId: String(organization.id),
      organizationSlug: organization.slug,
      projects: wanted.size ? all.filter((p) => wanted.has(String(p.id))) : all,
      allProjects: all,
    };
  }

  async project(userId: string, organizationSlug: string, projectSlug: string): Promise<ProjectEntity> {
    return this.access.project(userId, organizationSlug, projectSlug);
  }

  async projectsByIds(ids: string[]): Promise<Map<string, ProjectEntity>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const projects = await this.dataSource.getRepository(ProjectEntity).findBy({ id: In(unique) });
    return new Map(projects.map((p) => [String(p.id), p]));
  }
}
