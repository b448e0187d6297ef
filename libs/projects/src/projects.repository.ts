import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import { ProjectEntity } from './entities/project.entity';

/** Which projects a page of `pageOf` holds: team filters are given as team ids, resolved by the caller. */
export interface ProjectPageFilter {
  /** Projects of these organizations only. */
  organizationIds: string[];
  organizationId?: string;
  /** Projects linked to this team. */
  teamId?: string;
  /** For each set: projects linked to at least one of its teams. */
  withTeamIds?: string[][];
  /** For each set: projects linked to none of its teams. */
  withoutTeamIds?: string[][];
}

export type ProjectPatch = Partial<Pick<ProjectEntity, 'name' | 'slug' | 'platform' | 'eventThrottleRate'>>;

/**
 * All SQL on `projects` and `project_teams`. Methods that take `m` first run in its transaction; those with an
 * optional `m` run in it when one is given.
 */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private projects(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(ProjectEntity);
  }

  /**
   * Reserves `count` consecutive issue numbers (short ids) of a project and returns the first; null when the
   * project no longer exists. The row lock serializes writers of the same project until `m` commits.
   */
  async reserveIssueNumbers(m: EntityManager, projectId: string, count: number): Promise<number | null> {
    const rows = rowsOf<{ issue_counter: number }>(
      await m.query(
        `UPDATE projects SET issue_counter = issue_counter + $2 WHERE id = $1 RETURNING issue_counter`,
        [projectId, count],
      ),
    );
    const last = rows[0]?.issue_counter;
    return last === undefined ? null : last - count + 1;
  }

  /** Which of `projectIds` the team has access to. */
  async projectIdsOfTeam(teamId: string, projectIds: string[]): Promise<Set<string>> {
    if (projectIds.length === 0) return new Set();
    const rows: Array<{ project_id: string }> = await this.dataSource.query(
      `SELECT project_id FROM project_teams WHERE team_id = $1 AND project_id = ANY($2::bigint[])`,
      [teamId, projectIds],
    );
    return new Set(rows.map((r) => String(r.project_id)));
  }

  /** Inserts a project (its throttle rate 0 and platform null unless given); answers the saved row. */
  insert(
    m: EntityManager,
    input: {
      organizationId: string;
      name: string;
      slug: string;
      platform?: string | null;
      eventThrottleRate?: number;
    },
  ): Promise<ProjectEntity> {
    return this.projects(m).save({
      organizationId: input.organizationId,
      name: input.name,
      slug: input.slug,
      platform: input.platform ?? null,
      eventThrottleRate: input.eventThrottleRate ?? 0,
    });
  }

  /** The project, which must exist. */
  get(id: string, m?: EntityManager): Promise<ProjectEntity> {
    return this.projects(m).findOneByOrFail({ id });
  }

  /** The organization's project with exactly this slug. */
  findBySlug(organizationId: string, slug: string): Promise<ProjectEntity | null> {
    return this.projects().findOneBy({ organizationId, slug });
  }

  findById(id: string): Promise<ProjectEntity | null> {
    return this.projects().findOneBy({ id });
  }

  /** The organization's projects, oldest first. */
  ofOrganization(organizationId: string): Promise<ProjectEntity[]> {
    return this.projects().find({ where: { organizationId }, order: { id: 'ASC' } });
  }

  /** The organization's oldest project whose slug, or else name, is `slugOrName`. */
  findBySlugOrName(
    organizationId: string,
    slugOrName: string,
    m?: EntityManager,
  ): Promise<ProjectEntity | null> {
    return this.projects(m)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND (p.slug = :slug OR p.name = :slug)', {
        organizationId,
        slug: slugOrName,
      })
      .orderBy('p.id')
      .getOne();
  }

  /** Projects matching the filter by name (one page when `page` is given) and how many match. */
  async pageOf(
    filter: ProjectPageFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ projects: ProjectEntity[]; total: number }> {
    if (!filter.organizationIds.length) return { projects: [], total: 0 };
    const qb = this.projects()
      .createQueryBuilder('p')
      .where('p.organization_id = ANY(:organizationIds)', { organizationIds: filter.organizationIds });
    if (filter.organizationId)
      qb.andWhere('p.organization_id = :organizationId', { organizationId: filter.organizationId });
    if (filter.teamId)
      qb.andWhere('p.id IN (SELECT project_id FROM project_teams WHERE team_id = :teamId)', {
        teamId: filter.teamId,
      });
    (filter.withTeamIds ?? []).forEach((teamIds, i) =>
      qb.andWhere(`p.id IN (SELECT project_id FROM project_teams WHERE team_id = ANY(:with${i}))`, {
        [`with${i}`]: teamIds,
      }),
    );
    (filter.withoutTeamIds ?? []).forEach((teamIds, i) =>
      qb.andWhere(`p.id NOT IN (SELECT project_id FROM project_teams WHERE team_id = ANY(:without${i}))`, {
        [`without${i}`]: teamIds,
      }),
    );
    qb.orderBy('p.name').addOrderBy('p.id');
    if (page) qb.skip(page.offset).take(page.limit);
    const [projects, total] = await qb.getManyAndCount();
    return { projects, total };
  }

  byIds(ids: string[]): Promise<ProjectEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.projects().createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).getMany();
  }

  /** The team links of these projects. */
  async teamLinksOf(projectIds: string[]): Promise<Array<{ projectId: string; teamId: string }>> {
    if (!projectIds.length) return [];
    const rows: Array<{ project_id: string; team_id: string }> = await this.dataSource.query(
      `SELECT project_id, team_id FROM project_teams WHERE project_id = ANY($1::bigint[])`,
      [projectIds],
    );
    return rows.map((r) => ({ projectId: String(r.project_id), teamId: String(r.team_id) }));
  }

  /** The teams linked to the project. */
  async teamIdsOf(projectId: string): Promise<string[]> {
    const rows: Array<{ team_id: string }> = await this.dataSource.query(
      `SELECT team_id FROM project_teams WHERE project_id = $1`,
      [projectId],
    );
    return rows.map((r) => String(r.team_id));
  }

  /** The links of these teams to projects, in the projects' name order. */
  async linksOfTeams(teamIds: string[]): Promise<Array<{ teamId: string; projectId: string }>> {
    if (!teamIds.length) return [];
    const rows: Array<{ team_id: string; project_id: string }> = await this.dataSource.query(
      `SELECT pt.team_id, pt.project_id FROM project_teams pt JOIN projects p ON p.id = pt.project_id
        WHERE pt.team_id = ANY($1::bigint[]) ORDER BY p.name, p.id`,
      [teamIds],
    );
    return rows.map((r) => ({ teamId: String(r.team_id), projectId: String(r.project_id) }));
  }

  /** Whether another project of the organization than `exceptProjectId` has the slug. */
  async slugTaken(
    organizationId: string,
    slug: string,
    exceptProjectId?: string,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await (m ?? this.dataSource.manager).query(
      `SELECT 1 FROM projects WHERE organization_id = $1 AND slug = $2 AND ($3::bigint IS NULL OR id <> $3::bigint)`,
      [organizationId, slug, exceptProjectId ?? null],
    );
    return rows.length > 0;
  }

  /** Applies the patch; throws a unique violation when the new slug is taken in the organization. */
  async update(projectId: string, patch: ProjectPatch): Promise<void> {
    if (Object.keys(patch).length) await this.projects().update(projectId, patch);
  }

  /** The organization's projects. */
  async idsOfOrganization(m: EntityManager, organizationId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(`SELECT id FROM projects WHERE organization_id = $1`, [
      organizationId,
    ]);
    return rows.map((r) => String(r.id));
  }

  /** Deletes the project; keys, team links, environments' links, issues and alerts go by FK cascade. */
  async delete(m: EntityManager, projectId: string): Promise<void> {
    await m.query(`DELETE FROM projects WHERE id = $1`, [projectId]);
  }

  /** Gives a team access to the project (nothing when it has it already). */
  async linkTeam(projectId: string, teamId: string, m?: EntityManager): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO project_teams (project_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [projectId, teamId],
    );
  }

  async unlinkTeam(projectId: string, teamId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM project_teams WHERE project_id = $1 AND team_id = $2`, [
      projectId,
      teamId,
    ]);
  }

  /** The organization of each of `projectIds` that still exists. */
  async organizationIdsOf(projectIds: number[]): Promise<Map<number, string>> {
    const rows: Array<{ id: string; organization_id: string }> = await this.dataSource.query(
      `SELECT id, organization_id FROM projects WHERE id = ANY($1::bigint[])`,
      [projectIds],
    );
    return new Map(rows.map((p) => [Number(p.id), String(p.organization_id)]));
  }

  /** Sets each project's first event, when it has none yet, to the earliest of `received` given for it. */
  async markFirstEvents(
    m: EntityManager,
    events: Array<{ projectId: number; received: Date }>,
  ): Promise<void> {
    if (events.length === 0) return;
    await m.query(
      `UPDATE projects SET first_event = v.first FROM
         (SELECT p, min(t) AS first FROM unnest($1::bigint[], $2::timestamptz[]) AS x(p, t) GROUP BY p) v
       WHERE projects.id = v.p AND projects.first_event IS NULL`,
      [events.map((e) => e.projectId), events.map((e) => e.received.toISOString())],
    );
  }
}
