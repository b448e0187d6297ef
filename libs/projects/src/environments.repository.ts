import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';

/** A name (environment, release version) a project's events used, in that project's organization. */
export interface ProjectNamedItem {
  projectId: number;
  organizationId: string;
  name: string;
}

/**
 * Creates the organization-wide rows of `table` for the names not known yet and links them to the projects (two
 * statements, rows in a fixed order so that concurrent batches lock alike).
 */
export async function addNamesToProjects(
  m: EntityManager,
  names: ProjectNamedItem[],
  tables: { table: string; nameColumn: string; link: string; linkColumn: string },
): Promise<void> {
  if (names.length === 0) return;
  const { table, nameColumn, link, linkColumn } = tables;
  const list = [...names].sort((a, b) => (a.organizationId + a.name < b.organizationId + b.name ? -1 : 1));
  await m.query(
    `INSERT INTO ${table} (organization_id, ${nameColumn})
     SELECT DISTINCT o, n FROM unnest($1::bigint[], $2::varchar[]) AS x(o, n) ORDER BY o, n
     ON CONFLICT DO NOTHING`,
    [list.map((p) => p.organizationId), list.map((p) => p.name)],
  );
  await m.query(
    `INSERT INTO ${link} (project_id, ${linkColumn})
     SELECT x.p, t.id FROM unnest($1::bigint[], $2::bigint[], $3::varchar[]) AS x(p, o, n)
       JOIN ${table} t ON t.organization_id = x.o AND t.${nameColumn} = x.n
     ON CONFLICT DO NOTHING`,
    [list.map((p) => p.projectId), list.map((p) => p.organizationId), list.map((p) => p.name)],
  );
}

export type EnvironmentVisibility = 'all' | 'hidden' | 'visible';

export interface ProjectEnvironment {
  id: number;
  name: string;
  isHidden: boolean;
}

/**
 * Reads and visibility changes of `environments` and `environment_projects` (ingest creates the rows from the
 * events' `environment`).
 */
@Injectable()
export class EnvironmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of the project's environments by name, hidden ones, visible ones or all, and the total. */
  async pageOfProject(
    projectId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: ProjectEnvironment[]; total: number }> {
    const from = `FROM environment_projects ep JOIN environments e ON e.id = ep.environment_id
                  WHERE ep.project_id = $1 AND ($2::boolean IS NULL OR ep.is_hidden = $2)`;
    const params = [projectId, hiddenFilter(visibility)];
    const [rows, count]: [Array<{ id: string; name: string; is_hidden: boolean }>, Array<{ n: string }>] =
      await Promise.all([
        this.dataSource.query(
          `SELECT e.id, e.name, ep.is_hidden ${from} ORDER BY e.name OFFSET $3 LIMIT $4`,
          [...params, page.offset, page.limit],
        ),
        this.dataSource.query(`SELECT count(*) AS n ${from}`, params),
      ]);
    return {
      environments: rows.map((r) => ({ id: Number(r.id), name: r.name, isHidden: r.is_hidden })),
      total: Number(count[0]?.n ?? 0),
    };
  }

  /**
   * One page of the organization's environments by name and the total: "visible" = shown in at least one
   * project, "hidden" = hidden in at least one.
   */
  async pageOfOrganization(
    organizationId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: Array<{ id: number; name: string }>; total: number }> {
    const from = `FROM environments e WHERE e.organization_id = $1 AND ($2::boolean IS NULL OR EXISTS (
                    SELECT 1 FROM environment_projects ep WHERE ep.environment_id = e.id AND ep.is_hidden = $2))`;
    const params = [organizationId, hiddenFilter(visibility)];
    const [rows, count]: [Array<{ id: string; name: string }>, Array<{ n: string }>] = await Promise.all([
      this.dataSource.query(`SELECT e.id, e.name ${from} ORDER BY e.name OFFSET $3 LIMIT $4`, [
        ...params,
        page.offset,
        page.limit,
      ]),
      this.dataSource.query(`SELECT count(*) AS n ${from}`, params),
    ]);
    return {
      environments: rows.map((r) => ({ id: Number(r.id), name: r.name })),
      total: Number(count[0]?.n ?? 0),
    };
  }

  /** Hides or shows an environment in a project; null when the project has no environment of that name. */
  async setHidden(projectId: string, name: string, isHidden: boolean): Promise<ProjectEnvironment | null> {
    const rows = rowsOf<{ id: string; name: string; is_hidden: boolean }>(
      await this.dataSource.query(
        `UPDATE environment_projects ep SET is_hidden = $3 FROM environments e
          WHERE e.id = ep.environment_id AND ep.project_id = $1 AND e.name = $2
          RETURNING e.id, e.name, ep.is_hidden`,
        [projectId, name, isHidden],
      ),
    );
    const row = rows[0];
    return row ? { id: Number(row.id), name: row.name, isHidden: row.is_hidden } : null;
  }

  /** The environments ingest saw in events: created per organization and linked to their projects. */
  addToProjects(m: EntityManager, environments: ProjectNamedItem[]): Promise<void> {
    return addNamesToProjects(m, environments, {
      table: 'environments',
      nameColumn: 'name',
      link: 'environment_projects',
      linkColumn: 'environment_id',
    });
  }
}

/** The `is_hidden` value a visibility asks for; null = either. */
function hiddenFilter(visibility: EnvironmentVisibility): boolean | null {
  return visibility === 'all' ? null : visibility === 'hidden';
}
