import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** All SQL on `user_project_alerts`: per-user alert choices that differ from the default. */
@Injectable()
export class UserProjectAlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `{projectId: status}` of the user's choices. */
  async statusesOf(userId: string): Promise<Record<string, number>> {
    const rows: Array<{ project_id: string; status: number }> = await this.dataSource.query(
      `SELECT project_id, status FROM user_project_alerts WHERE user_id = $1 ORDER BY project_id`,
      [userId],
    );
    return Object.fromEntries(rows.map((r) => [String(r.project_id), Number(r.status)]));
  }

  /** Records the user's choice for the project, replacing an earlier one. */
  async upsert(userId: string, projectId: string, status: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_project_alerts (user_id, project_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, project_id) DO UPDATE SET status = EXCLUDED.status`,
      [userId, projectId, status],
    );
  }

  /** `{userId: status}` of the choices these users made for the project. */
  async statusesForProject(projectId: string, userIds: string[]): Promise<Map<string, number>> {
    if (!userIds.length) return new Map();
    const rows: Array<{ user_id: string; status: number }> = await this.dataSource.query(
      `SELECT user_id, status FROM user_project_alerts WHERE project_id = $1 AND user_id = ANY($2::bigint[])`,
      [projectId, userIds],
    );
    return new Map(rows.map((r) => [String(r.user_id), Number(r.status)]));
  }

  async delete(userId: string, projectId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM user_project_alerts WHERE user_id = $1 AND project_id = $2`, [
      userId,
      projectId,
    ]);
  }
}
