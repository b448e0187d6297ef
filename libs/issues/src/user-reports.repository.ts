import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import { UserReportEntity } from './entities/user-report.entity';

/** A user report ready to store: the shape of the `user_reports` table. */
export interface NewUserReport {
  projectId: number;
  /** 32 lowercase hex. */
  eventId: string;
  name: string;
  email: string;
  comments: string;
  created: Date;
}

/**
 * All SQL on `user_reports` (ingest links reports that arrived before their event as it stores the event, see
 * `IssuesRepository.addHourlyCounts`).
 */
@Injectable()
export class UserReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(UserReportEntity);
  }

  async pageOfIssue(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: UserReportEntity[]; total: number }> {
    const [items, total] = await this.repo.findAndCount({
      where: { issueId },
      order: { created: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  countOfIssue(issueId: string): Promise<number> {
    return this.repo.countBy({ issueId });
  }

  /** The user report about one event of a project, if any. */
  forEvent(projectId: string, eventId: string): Promise<UserReportEntity | null> {
    return this.repo.findOneBy({ projectId, eventId });
  }

  async moveIssues(m: EntityManager, fromIssueIds: string[], toIssueId: string): Promise<void> {
    await m.query(`UPDATE user_reports SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
      toIssueId,
      fromIssueIds,
    ]);
  }

  /** The events (32 hex) the issue's reports are about. */
  async eventIdsOfIssue(m: EntityManager, issueId: string): Promise<string[]> {
    const rows: Array<{ event_id: string }> = await m.query(
      `SELECT replace(event_id::text, '-', '') AS event_id FROM user_reports WHERE issue_id = $1`,
      [issueId],
    );
    return rows.map((r) => r.event_id);
  }

  async moveEvents(
    m: EntityManager,
    fromIssueId: string,
    eventIds: string[],
    toIssueId: string,
  ): Promise<void> {
    if (eventIds.length === 0) return;
    await m.query(
      `UPDATE user_reports SET issue_id = $1 WHERE issue_id = $2 AND event_id = ANY($3::uuid[])`,
      [toIssueId, fromIssueId, eventIds],
    );
  }

  /** Reports not linked to an issue yet, created within `days`, in id order after `afterId`. */
  async unlinked(
    days: number,
    limit: number,
    afterId: string,
  ): Promise<Array<{ id: string; projectId: string; eventId: string }>> {
    const rows: Array<{ id: string; project_id: string; event_id: string }> = await this.dataSource.query(
      `SELECT id, project_id, replace(event_id::text, '-', '') AS event_id FROM user_reports
        WHERE issue_id IS NULL AND created > now() - make_interval(days => $1) AND id > $3 ORDER BY id LIMIT $2`,
      [days, limit, afterId],
    );
    return rows.map((r) => ({ id: String(r.id), projectId: String(r.project_id), eventId: r.event_id }));
  }

  /** Links reports to issues (report id → issue id); returns how many were linked. */
  async link(links: Map<string, string>): Promise<number> {
    if (links.size === 0) return 0;
    const rows = await this.dataSource.query(
      `UPDATE user_reports ur SET issue_id = x.issue_id
         FROM unnest($1::bigint[], $2::bigint[]) AS x(id, issue_id)
        WHERE ur.id = x.id AND ur.issue_id IS NULL
       RETURNING ur.id`,
      [[...links.keys()], [...links.values()]],
    );
    return rowsOf<unknown>(rows).length;
  }

  async deleteOlderThan(days: number): Promise<number> {
    const rows = await this.dataSource.query(
      `DELETE FROM user_reports WHERE created < now() - make_interval(days => $1) RETURNING id`,
      [days],
    );
    return rowsOf<unknown>(rows).length;
  }

  /**
   * Stores user reports as ingest receives them, each linked to the issue of its event when that event is stored
   * already (otherwise the event links it when ingest stores it). A second report about the same event is
   * ignored, as GlitchTip does; reports of projects deleted meanwhile are dropped. One statement, which reads the
   * event's issue and the project's existence where it writes. Returns the `projectId:eventId` of those stored.
   */
  async insertAtIngest(reports: NewUserReport[]): Promise<Set<string>> {
    // The first report about an event wins, within the batch as against stored ones.
    const firsts = new Map<string, NewUserReport>();
    for (const r of reports)
      if (!firsts.has(`${r.projectId}:${r.eventId}`)) firsts.set(`${r.projectId}:${r.eventId}`, r);
    reports = [...firsts.values()];
    if (reports.length === 0) return new Set();
    const rows: Array<{ project_id: string; event_id: string }> = await this.dataSource.query(
      `INSERT INTO user_reports (project_id, issue_id, event_id, name, email, comments, created)
       SELECT x.p,
              (SELECT e.issue_id FROM events e WHERE e.event_id = x.e AND e.project_id = x.p LIMIT 1),
              x.e, x.n, x.m, x.c, x.t
         FROM unnest($1::bigint[], $2::uuid[], $3::varchar[], $4::varchar[], $5::text[], $6::timestamptz[])
              AS x(p, e, n, m, c, t)
         JOIN projects pr ON pr.id = x.p
       ON CONFLICT (project_id, event_id) DO NOTHING
       RETURNING project_id, replace(event_id::text, '-', '') AS event_id`,
      [
        reports.map((r) => r.projectId),
        reports.map((r) => r.eventId),
        reports.map((r) => r.name),
        reports.map((r) => r.email),
        reports.map((r) => r.comments),
        reports.map((r) => r.created.toISOString()),
      ],
    );
    return new Set(rows.map((r) => `${r.project_id}:${r.event_id}`));
  }
}
