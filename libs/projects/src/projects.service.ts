import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '@app/organizations';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';

/** A project as lists show it: whether the caller is in one of its teams, and those teams. */
export interface ProjectSummary {
  project: ProjectEntity;
  isMember: boolean;
  teams: Array<{ id: string; slug: string }>;
}

export interface ProjectListFilter {
  /** Projects of these organizations (always narrowed to the caller's memberships). */
  organizationId?: string;
  teamId?: string;
  /** `team:<slug>` / `!team:<slug>` of the organization projects query. */
  withTeamSlugs?: string[];
  withoutTeamSlugs?: string[];
}

export type EnvironmentVisibility = 'all' | 'hidden' | 'visible';

export interface ProjectEnvironment {
  id: number;
  name: string;
  isHidden: boolean;
}

export interface KeyRateLimit {
  window: number;
  count: number;
}

@Injectable()
export class ProjectsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Creates a project in an organization, linked to a team, with its first DSN key (named "", as GlitchTip does). */
  async createProject(
    input: {
      organizationId: string;
      name: string;
      slug: string;
      platform?: string | null;
      teamId?: string;
      eventThrottleRate?: number;
    },
    manager?: EntityManager,
  ): Promise<{ project: ProjectEntity; key: ProjectKeyEntity }> {
    if (!manager) return this.dataSource.transaction((m) => this.createProject(input, m));
    const m = manager;
    const project = await m.getRepository(ProjectEntity).save({
      organizationId: input.organizationId,
      name: input.name,
      slug: input.slug,
      platform: input.platform ?? null,
      eventThrottleRate: input.eventThrottleRate ?? 0,
    });
    if (input.teamId) {
      await m.query(
        `INSERT INTO project_teams (project_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [project.id, input.teamId],
      );
    }
    const key = await this.createKey(project.id, '', m);
    return { project: await m.getRepository(ProjectEntity).findOneByOrFail({ id: project.id }), key };
  }

  async createKey(
    projectId: string,
    name: string,
    manager?: EntityManager,
    rateLimit?: KeyRateLimit | null,
  ): Promise<ProjectKeyEntity> {
    const repo = this.manager(manager).getRepository(ProjectKeyEntity);
    const saved = await repo.save({
      projectId,
      name,
      publicKey: randomUUID(),
      rateLimitCount: rateLimit?.count ?? null,
      rateLimitWindow: rateLimit?.window ?? null,
    });
    return repo.findOneByOrFail({ id: saved.id });
  }

  async findBySlug(
    organizationId: string,
    slugOrName: string,
    manager?: EntityManager,
  ): Promise<ProjectEntity | null> {
    return this.manager(manager)
      .getRepository(ProjectEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND (p.slug = :slug OR p.name = :slug)', {
        organizationId,
        slug: slugOrName,
      })
      .orderBy('p.id')
      .getOne();
  }

  async firstActiveKey(projectId: string, manager?: EntityManager): Promise<ProjectKeyEntity | null> {
    return this.manager(manager)
      .getRepository(ProjectKeyEntity)
      .findOne({ where: { projectId, isActive: true }, order: { id: 'ASC' } });
  }

  /** Projects of the caller's organizations, by name, with membership and teams. */
  async listProjects(
    userId: string,
    filter: ProjectListFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ projects: ProjectSummary[]; total: number }> {
    const qb = this.dataSource
      .getRepository(ProjectEntity)
      .createQueryBuilder('p')
      .where(
        'p.organization_id IN (SELECT organization_id FROM organization_users WHERE user_id = :userId)',
        {
          userId,
        },
      );
    if (filter.organizationId) qb.andWhere('p.organization_id = :organizationId', filter);
    if (filter.teamId)
      qb.andWhere('p.id IN (SELECT project_id FROM project_teams WHERE team_id = :teamId)', filter);
    (filter.withTeamSlugs ?? []).forEach((slug, i) =>
      qb.andWhere(
        `p.id IN (SELECT pt.project_id FROM project_teams pt JOIN teams t ON t.id = pt.team_id WHERE t.slug = :with${i})`,
        { [`with${i}`]: slug },
      ),
    );
    (filter.withoutTeamSlugs ?? []).forEach((slug, i) =>
      qb.andWhere(
        `p.id NOT IN (SELECT pt.project_id FROM project_teams pt JOIN teams t ON t.id = pt.team_id WHERE t.slug = :without${i})`,
        { [`without${i}`]: slug },
      ),
    );
    qb.orderBy('p.name').addOrderBy('p.id');
    if (page) qb.skip(page.offset).take(page.limit);
    const [projects, total] = await qb.getManyAndCount();
    return { projects: await this.summaries(projects, userId), total };
  }

  async summary(project: ProjectEntity, userId: string): Promise<ProjectSummary> {
    return (await this.summaries([project], userId))[0]!;
  }

  /** Membership and teams of many projects in two queries. */
  async summaries(projects: ProjectEntity[], userId: string): Promise<ProjectSummary[]> {
    if (!projects.length) return [];
    const ids = projects.map((p) => p.id);
    const [teamRows, memberRows]: [
      Array<{ project_id: string; id: string; slug: string }>,
      Array<{ project_id: string }>,
    ] = await Promise.all([
      this.dataSource.query(
        `SELECT pt.project_id, t.id, t.slug FROM project_teams pt JOIN teams t ON t.id = pt.team_id
          WHERE pt.project_id = ANY($1::bigint[]) ORDER BY t.slug`,
        [ids],
      ),
      this.dataSource.query(
        `SELECT DISTINCT pt.project_id FROM project_teams pt
           JOIN team_members tm ON tm.team_id = pt.team_id
           JOIN organization_users ou ON ou.id = tm.organization_user_id
          WHERE pt.project_id = ANY($1::bigint[]) AND ou.user_id = $2`,
        [ids, userId],
      ),
    ]);
    const memberOf = new Set(memberRows.map((r) => String(r.project_id)));
    return projects.map((project) => ({
      project,
      isMember: memberOf.has(String(project.id)),
      teams: teamRows
        .filter((r) => String(r.project_id) === String(project.id))
        .map((r) => ({ id: String(r.id), slug: r.slug })),
    }));
  }

  /** Projects linked to any of these teams, keyed by team id. */
  async projectsOfTeams(teamIds: string[], userId: string): Promise<Map<string, ProjectSummary[]>> {
    const byTeam = new Map<string, ProjectSummary[]>();
    if (!teamIds.length) return byTeam;
    const links: Array<{ team_id: string; project_id: string }> = await this.dataSource.query(
      `SELECT pt.team_id, pt.project_id FROM project_teams pt JOIN projects p ON p.id = pt.project_id
        WHERE pt.team_id = ANY($1::bigint[]) ORDER BY p.name, p.id`,
      [teamIds],
    );
    const projectIds = [...new Set(links.map((l) => String(l.project_id)))];
    const projects = projectIds.length
      ? await this.dataSource
          .getRepository(ProjectEntity)
          .createQueryBuilder('p')
          .where('p.id = ANY(:ids)', { ids: projectIds })
          .getMany()
      : [];
    const summaries = new Map(
      (await this.summaries(projects, userId)).map((s) => [String(s.project.id), s] as const),
    );
    for (const link of links) {
      const summary = summaries.get(String(link.project_id));
      if (!summary) continue;
      const list = byTeam.get(String(link.team_id)) ?? [];
      list.push(summary);
      byTeam.set(String(link.team_id), list);
    }
    return byTeam;
  }

  /** A unique slug for a project of the organization ("new" is reserved by the web UI's routes). */
  async uniqueSlug(organizationId: string, base: string, exceptProjectId?: string): Promise<string> {
    const root = base === 'new' ? 'new-1' : base;
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? root : `${root.slice(0, 60)}-${n}`;
      const rows: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM projects WHERE organization_id = $1 AND slug = $2 AND ($3::bigint IS NULL OR id <> $3::bigint)`,
        [organizationId, candidate, exceptProjectId ?? null],
      );
      if (!rows.length) return candidate;
    }
  }

  /** Applies the fields given; null when the new slug is taken in the organization. */
  async updateProject(
    projectId: string,
    patch: { name?: string; slug?: string; platform?: string | null; eventThrottleRate?: number },
  ): Promise<ProjectEntity | null> {
    const repo = this.dataSource.getRepository(ProjectEntity);
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    try {
      if (Object.keys(values).length) await repo.update(projectId, values);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return repo.findOneByOrFail({ id: projectId });
  }

  /** Deletes a project, its issues (by cascade) and its events (which have no foreign key). */
  async deleteProject(projectId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM events WHERE project_id = $1`, [projectId]);
      await m.query(`DELETE FROM projects WHERE id = $1`, [projectId]);
    });
  }

  async linkTeam(projectId: string, teamId: string): Promise<void> {
    await this.dataSource.query(
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

  // DSN keys

  async listKeys(
    projectId: string,
    page: { offset: number; limit: number },
  ): Promise<{ keys: ProjectKeyEntity[]; total: number }> {
    const [keys, total] = await this.dataSource.getRepository(ProjectKeyEntity).findAndCount({
      where: { projectId },
      order: { created: 'ASC', id: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
    return { keys, total };
  }

  /** A key of the project by its public UUID (dashed or not). */
  async findKey(projectId: string, publicKey: string): Promise<ProjectKeyEntity | null> {
    const hex = publicKey.replace(/-/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) return null;
    return this.dataSource
      .getRepository(ProjectKeyEntity)
      .createQueryBuilder('k')
      .where('k.project_id = :projectId AND k.public_key = CAST(:hex AS uuid)', { projectId, hex })
      .getOne();
  }

  async updateKey(
    keyId: string,
    patch: { name?: string; rateLimit?: KeyRateLimit | null; isActive?: boolean },
  ): Promise<ProjectKeyEntity> {
    const repo = this.dataSource.getRepository(ProjectKeyEntity);
    const values: Partial<
      Pick<ProjectKeyEntity, 'name' | 'isActive' | 'rateLimitCount' | 'rateLimitWindow'>
    > = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.isActive !== undefined) values.isActive = patch.isActive;
    if (patch.rateLimit !== undefined) {
      values.rateLimitCount = patch.rateLimit?.count ?? null;
      values.rateLimitWindow = patch.rateLimit?.window ?? null;
    }
    if (Object.keys(values).length) await repo.update(keyId, values);
    return repo.findOneByOrFail({ id: keyId });
  }

  async deleteKey(keyId: string): Promise<void> {
    await this.dataSource.getRepository(ProjectKeyEntity).delete({ id: keyId });
  }

  // Environments (created by ingest from the events' `environment`)

  async projectEnvironments(
    projectId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: ProjectEnvironment[]; total: number }> {
    const hidden = visibility === 'all' ? '' : ` AND ep.is_hidden = ${visibility === 'hidden'}`;
    const from = `FROM environment_projects ep JOIN environments e ON e.id = ep.environment_id
                  WHERE ep.project_id = $1${hidden}`;
    const [rows, count]: [Array<{ id: string; name: string; is_hidden: boolean }>, Array<{ n: string }>] =
      await Promise.all([
        this.dataSource.query(
          `SELECT e.id, e.name, ep.is_hidden ${from} ORDER BY e.name OFFSET ${page.offset} LIMIT ${page.limit}`,
          [projectId],
        ),
        this.dataSource.query(`SELECT count(*) AS n ${from}`, [projectId]),
      ]);
    return {
      environments: rows.map((r) => ({ id: Number(r.id), name: r.name, isHidden: r.is_hidden })),
      total: Number(count[0]?.n ?? 0),
    };
  }

  /** An organization's environments: "visible" = shown in at least one project, "hidden" = hidden in one. */
  async organizationEnvironments(
    organizationId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: Array<{ id: number; name: string }>; total: number }> {
    const filter =
      visibility === 'all'
        ? ''
        : ` AND EXISTS (SELECT 1 FROM environment_projects ep WHERE ep.environment_id = e.id AND ep.is_hidden = ${visibility === 'hidden'})`;
    const from = `FROM environments e WHERE e.organization_id = $1${filter}`;
    const [rows, count]: [Array<{ id: string; name: string }>, Array<{ n: string }>] = await Promise.all([
      this.dataSource.query(
        `SELECT e.id, e.name ${from} ORDER BY e.name OFFSET ${page.offset} LIMIT ${page.limit}`,
        [organizationId],
      ),
      this.dataSource.query(`SELECT count(*) AS n ${from}`, [organizationId]),
    ]);
    return {
      environments: rows.map((r) => ({ id: Number(r.id), name: r.name })),
      total: Number(count[0]?.n ?? 0),
    };
  }

  /** Hides or shows an environment in a project; null when the project has no such environment. */
  async setEnvironmentHidden(
    projectId: string,
    name: string,
    isHidden: boolean,
  ): Promise<ProjectEnvironment | null> {
    // An UPDATE … RETURNING answers [rows, affected count] through TypeORM.
    const [updated]: [Array<{ id: string; name: string; is_hidden: boolean }>, number] =
      await this.dataSource.query(
        `UPDATE environment_projects ep SET is_hidden = $3 FROM environments e
        WHERE e.id = ep.environment_id AND ep.project_id = $1 AND e.name = $2
        RETURNING e.id, e.name, ep.is_hidden`,
        [projectId, name, isHidden],
      );
    const row = updated[0];
    return row ? { id: Number(row.id), name: row.name, isHidden: row.is_hidden } : null;
  }

  // Per-user alert preferences

  /** `{projectId: status}` for the projects where the user chose something other than the default. */
  async userAlerts(userId: string): Promise<Record<string, number>> {
    const rows: Array<{ project_id: string; status: number }> = await this.dataSource.query(
      `SELECT project_id, status FROM user_project_alerts WHERE user_id = $1 ORDER BY project_id`,
      [userId],
    );
    return Object.fromEntries(rows.map((r) => [String(r.project_id), Number(r.status)]));
  }

  /** Status -1 goes back to the default (the row is removed); 0 off, 1 on. */
  async setUserAlert(userId: string, projectId: string, status: -1 | 0 | 1): Promise<void> {
    if (status === -1) {
      await this.dataSource.query(`DELETE FROM user_project_alerts WHERE user_id = $1 AND project_id = $2`, [
        userId,
        projectId,
      ]);
      return;
    }
    await this.dataSource.query(
      `INSERT INTO user_project_alerts (user_id, project_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, project_id) DO UPDATE SET status = EXCLUDED.status`,
      [userId, projectId, status],
    );
  }
}
