import { rowsOf, SqlRunner } from '@app/core';

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
 * Stores user reports, each linked to the issue of its event when that event is stored already (otherwise the
 * event links it when the ingest batch writer stores it). A second report about the same event is ignored, as
 * GlitchTip does; reports of projects deleted meanwhile are dropped. Returns how many were stored.
 */
export async function saveUserReports(m: SqlRunner, reports: NewUserReport[]): Promise<number> {
  // The first report about an event wins, within the batch as against stored ones.
  const firsts = new Map<string, NewUserReport>();
  for (const r of reports)
    if (!firsts.has(`${r.projectId}:${r.eventId}`)) firsts.set(`${r.projectId}:${r.eventId}`, r);
  reports = [...firsts.values()];
  if (reports.length === 0) return 0;
  const rows = await m.query(
    `INSERT INTO user_reports (project_id, issue_id, event_id, name, email, comments, created)
     SELECT x.p,
            (SELECT e.issue_id FROM events e WHERE e.event_id = x.e AND e.project_id = x.p LIMIT 1),
            x.e, x.n, x.m, x.c, x.t
       FROM unnest($1::bigint[], $2::uuid[], $3::varchar[], $4::varchar[], $5::text[], $6::timestamptz[])
            AS x(p, e, n, m, c, t)
       JOIN projects pr ON pr.id = x.p
     ON CONFLICT (project_id, event_id) DO NOTHING
     RETURNING id`,
    [
      reports.map((r) => r.projectId),
      reports.map((r) => r.eventId),
      reports.map((r) => r.name),
      reports.map((r) => r.email),
      reports.map((r) => r.comments),
      reports.map((r) => r.created.toISOString()),
    ],
  );
  return rowsOf<unknown>(rows).length;
}
