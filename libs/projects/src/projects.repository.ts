import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';

/** SQL on `projects` and `project_teams` that other libs need. Methods that take `m` run in its transaction. */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
}
