import { Injectable } from '@nestjs/common';
import { rowsOf } from '@app/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { IssueEntity, IssueStatus } from './entities/issue.entity';
import {
  IssueFilter,
  issueConditions,
  IssueSortField,
  SORT_EXPRESSIONS,
  SqlParams,
} from './search/issue-filter-sql';

export interface IssueSort {
  field: IssueSortField;
  descending: boolean;
}

export interface IssuePage {
  offset: number;
  limit: number;
}

export type StatsPeriod = '24h' | '14d';

export interface IssueTagSummary {
  key: string;
  totalValues: number;
  uniqueValues: number;
  topValues: Array<{ value: string; count: number }>;
}

export interface StatusChange {
  status: IssueStatus;
  /** Stored as given; `inNextRelease` / `inRelease` also guard against reopening (see the batch writer). */
  statusDetails: Record<string, unknown>;
}

export class IssueActionError extends Error {}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The most tag values listed per key. */
const TOP_VALUES = 100;

/** TypeORM answers UPDATE/DELETE … RETURNING with `[rows, count]` and SELECT/INSERT with the rows. */
/**
 * Issue queries and triage actions. Lists are answered one project at a time (an ordered index scan per
 * project, merged and cut to the page), so they stay fast with tens of thousands of issues per project.
 * Aggregates (count, user count, tags, hourly counts) stay exact through merges and unmerges.
 */
@Injectable()
export class IssuesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The issue holding an event, among the given projects. */
  async findEventIssue(projectIds: string[], eventId: string): Promise<string | null> {
    const rows: Array<{ issue_id: string }> = await this.dataSource.query(
      `SELECT issue_id FROM events WHERE event_id = $1 AND project_id = ANY($2::bigint[]) LIMIT 1`,
      [eventId, projectIds],
    );
    return rows[0]?.issue_id ?? null;
  }

  /** One page of issue ids in order, and how many match (counted up to `countCap + 1`). */
  async list(
    filter: IssueFilter,
    sort: IssueSort,
    page: IssuePage,
    countCap = 1000,
  ): Promise<{ ids: string[]; total: number }> {
    if (filter.projectIds.length === 0) return { ids: [], total: 0 };
    const p = new SqlParams();
    const projects = p.add(filter.projectIds, '::bigint[]');
    const where = issueConditions(p, filter);
    const key = SORT_EXPRESSIONS[sort.field];
    const dir = sort.descending ? 'DESC' : 'ASC';
    const inner = p.add(page.offset + page.limit, '::int');
    const conditions = where.length ? ` AND ${where.join(' AND ')}` : '';
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT x.id FROM unnest(${projects}) AS p(id)
       CROSS JOIN LATERAL (
         SELECT i.id, ${key} AS k FROM issues i
          WHERE i.project_id = p.id${conditions}
          ORDER BY ${key} ${dir}, i.id ${dir} LIMIT ${inner}
       ) x
       ORDER BY x.k ${dir}, x.id ${dir} OFFSET ${p.add(page.offset, '::int')} LIMIT ${p.add(page.limit, '::int')}`,
      p.values,
    );
    const c = new SqlParams();
    const countProjects = c.add(filter.projectIds, '::bigint[]');
    const countWhere = issueConditions(c, filter);
    const counted: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM issues i WHERE i.project_id = ANY(${countProjects})${
        countWhere.length ? ` AND ${countWhere.join(' AND ')}` : ''
      } LIMIT ${c.add(countCap + 1, '::int')}) c`,
      c.values,
    );
    return { ids: rows.map((r) => String(r.id)), total: Number(counted[0]?.n ?? 0) };
  }

  /** Every issue id a bulk action selects. */
  async select(filter: IssueFilter, m: EntityManager = this.dataSource.manager): Promise<string[]> {
    if (filter.projectIds.length === 0) return [];
    const p = new SqlParams();
    const where = [
      `i.project_id = ANY(${p.add(filter.projectIds, '::bigint[]')})`,
      ...issueConditions(p, filter),
    ];
    const rows: Array<{ id: string }> = await m.query(
      `SELECT i.id FROM issues i WHERE ${where.join(' AND ')} ORDER BY i.id`,
      p.values,
    );
    return rows.map((r) => String(r.id));
  }

  findByIds(ids: string[]): Promise<IssueEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(IssueEntity).findBy({ id: In(ids) });
  }

  async setStatus(ids: string[], change: StatusChange): Promise<void> {
    if (ids.length === 0) return;
    const releaseGuarded =
      change.status === IssueStatus.Resolved &&
      ('inNextRelease' in change.statusDetails || 'inRelease' in change.statusDetails);
    await this.dataSource.query(
      `UPDATE issues SET status = $2, status_details = $3::jsonb,
              resolved_release = CASE WHEN $4::boolean THEN last_release ELSE NULL END
        WHERE id = ANY($1::bigint[])`,
      [ids, change.status, JSON.stringify(change.statusDetails), releaseGuarded],
    );
  }

  /**
   * Merges issues into the one with the highest id (GlitchTip's choice): hashes, events, comments, user
   * reports, tag and hourly aggregates move to it, and the others are deleted. Issues must share a project.
   */
  async merge(ids: string[]): Promise<{ parent: string; children: string[] } | null> {
    const unique = [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
    if (unique.length < 2) return null;
    return this.dataSource.transaction(async (m) => {
      const locked: Array<{ id: string; project_id: string }> = await m.query(
        `SELECT id, project_id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
        [unique],
      );
      if (locked.length < 2) return null;
      if (new Set(locked.map((r) => r.project_id)).size > 1) {
        throw new IssueActionError('Only issues of one project can be merged');
      }
      const parent = String(locked[locked.length - 1]!.id);
      const children = locked.slice(0, -1).map((r) => String(r.id));
      await m.query(`UPDATE issue_hashes SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
        parent,
        children,
      ]);
      await m.query(`UPDATE events SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [parent, children]);
      await m.query(`UPDATE issue_comments SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
        parent,
        children,
      ]);
      await m.query(`UPDATE user_reports SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
        parent,
        children,
      ]);
      await m.query(
        `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
         SELECT $1, key, value, sum(count), min(first_seen), max(last_seen) FROM issue_tags
          WHERE issue_id = ANY($2::bigint[]) GROUP BY key, value ORDER BY key, value
         ON CONFLICT (issue_id, key, value) DO UPDATE SET
           count = issue_tags.count + EXCLUDED.count,
           first_seen = LEAST(issue_tags.first_seen, EXCLUDED.first_seen),
           last_seen = GREATEST(issue_tags.last_seen, EXCLUDED.last_seen)`,
        [parent, children],
      );
      await m.query(
        `INSERT INTO issue_hourly_counts (issue_id, hour, count)
         SELECT $1, hour, sum(count) FROM issue_hourly_counts WHERE issue_id = ANY($2::bigint[])
          GROUP BY hour ORDER BY hour
         ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hourly_counts.count + EXCLUDED.count`,
        [parent, children],
      );
      await m.query(
        `WITH all_issues AS (SELECT * FROM issues WHERE id = ANY($2::bigint[]) OR id = $1),
              firsts AS (SELECT first_seen, first_release FROM all_issues ORDER BY first_seen ASC, id ASC LIMIT 1),
              lasts AS (SELECT last_seen, last_release, level FROM all_issues ORDER BY last_seen DESC, id DESC LIMIT 1)
         UPDATE issues i SET
           count = (SELECT sum(count) FROM all_issues),
           first_seen = firsts.first_seen,
           first_release = COALESCE(firsts.first_release, i.first_release),
           last_seen = lasts.last_seen,
           last_release = COALESCE(lasts.last_release, i.last_release),
           level = lasts.level,
           user_count = (SELECT count(*) FROM issue_tags t WHERE t.issue_id = $1 AND t.key = 'user')
          FROM firsts, lasts
         WHERE i.id = $1`,
        [parent, children],
      );
      await m.query(`DELETE FROM issues WHERE id = ANY($1::bigint[])`, [children]);
      return { parent, children };
    });
  }

  /**
   * Unmerges grouping hashes from an issue: each hash (with its events) moves to a new issue, and both sides'
   * aggregates are adjusted. The issue always keeps at least one hash; a hash without any stored event is
   * only detached (its next event starts a new issue). Returns the new issues' ids.
   */
  async unmerge(issueId: string, hashValues: string[]): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      const issues: Array<{ id: string; project_id: string }> = await m.query(
        `SELECT id, project_id FROM issues WHERE id = $1 FOR UPDATE`,
        [issueId],
      );
      const issue = issues[0];
      if (!issue) return [];
      const hashes: Array<{ id: string; value: string }> = await m.query(
        `SELECT id, value FROM issue_hashes WHERE issue_id = $1 ORDER BY id`,
        [issueId],
      );
      const wanted = new Set(hashValues.map((v) => v.toLowerCase()));
      let selected = hashes.filter((h) => wanted.has(h.value));
      // Never leave the issue without a hash: the oldest one stays.
      if (selected.length === hashes.length) selected = selected.slice(1);
      const created: string[] = [];
      for (const hash of selected) {
        const newId = await this.splitHash(m, issue.id, issue.project_id, hash);
        if (newId) created.push(newId);
      }
      if (selected.length) await this.refreshIssueAfterSplit(m, issue.id);
      return created;
    });
  }

  private async splitHash(
    m: EntityManager,
    issueId: string,
    projectId: string,
    hash: { id: string; value: string },
  ): Promise<string | null> {
    const latest: Array<{
      title: string;
      culprit: string;
      type: number;
      level: number;
      platform: string | null;
      metadata: unknown;
    }> = await m.query(
      `SELECT title, culprit, type, level, platform, data->'metadata' AS metadata FROM events
          WHERE issue_id = $1 AND hash = $2 ORDER BY received DESC LIMIT 1`,
      [issueId, hash.value],
    );
    const template = latest[0];
    if (!template) {
      await m.query(`DELETE FROM issue_hashes WHERE id = $1`, [hash.id]);
      return null;
    }
    const counter = rowsOf<{ issue_counter: number }>(
      await m.query(
        `UPDATE projects SET issue_counter = issue_counter + 1 WHERE id = $1 RETURNING issue_counter`,
        [projectId],
      ),
    );
    const inserted: Array<{ id: string }> = await m.query(
      `INSERT INTO issues (project_id, short_id, title, culprit, type, level, metadata, platform, first_seen, last_seen,
                           search_text)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::jsonb, '{}'::jsonb), $8, now(), now(), $9)
       RETURNING id`,
      [
        projectId,
        counter[0]!.issue_counter,
        template.title,
        template.culprit,
        template.type,
        template.level,
        template.metadata === null || template.metadata === undefined
          ? null
          : JSON.stringify(template.metadata),
        template.platform,
        `${template.title} ${template.culprit}`.toLowerCase().slice(0, 2000),
      ],
    );
    const newId = String(inserted[0]!.id);
    await m.query(`UPDATE issue_hashes SET issue_id = $1 WHERE id = $2`, [newId, hash.id]);
    await m.query(`UPDATE events SET issue_id = $1 WHERE issue_id = $2 AND hash = $3`, [
      newId,
      issueId,
      hash.value,
    ]);
    await m.query(
      `UPDATE user_reports ur SET issue_id = $1 WHERE ur.issue_id = $2
          AND EXISTS (SELECT 1 FROM events e WHERE e.issue_id = $1 AND e.event_id = ur.event_id)`,
      [newId, issueId],
    );

    // Tags and hourly counts of the moved events: added to the new issue, taken off the old one.
    await m.query(
      `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
       SELECT $1, left(kv.key, 200), left(kv.value, 200), count(*), min(e.received), max(e.received)
         FROM events e CROSS JOIN LATERAL jsonb_each_text(e.tags) AS kv(key, value)
        WHERE e.issue_id = $1 GROUP BY 2, 3 ORDER BY 2, 3`,
      [newId],
    );
    await m.query(
      `UPDATE issue_tags t SET count = t.count - n.count FROM issue_tags n
        WHERE n.issue_id = $1 AND t.issue_id = $2 AND t.key = n.key AND t.value = n.value`,
      [newId, issueId],
    );
    await m.query(
      `INSERT INTO issue_hourly_counts (issue_id, hour, count)
       SELECT $1, date_trunc('hour', received), count(*) FROM events WHERE issue_id = $1 GROUP BY 2 ORDER BY 2`,
      [newId],
    );
    await m.query(
      `UPDATE issue_hourly_counts h SET count = h.count - n.count FROM issue_hourly_counts n
        WHERE n.issue_id = $1 AND h.issue_id = $2 AND h.hour = n.hour`,
      [newId, issueId],
    );
    await m.query(
      `WITH moved AS (
         SELECT count(*) AS n, min(received) AS first_seen, max(received) AS last_seen FROM events WHERE issue_id = $1
       ), releases AS (
         SELECT (SELECT release FROM events WHERE issue_id = $1 AND release IS NOT NULL ORDER BY received ASC LIMIT 1) AS first_release,
                (SELECT release FROM events WHERE issue_id = $1 AND release IS NOT NULL ORDER BY received DESC LIMIT 1) AS last_release
       )
       UPDATE issues i SET count = moved.n, first_seen = moved.first_seen, last_seen = moved.last_seen,
              first_release = releases.first_release, last_release = releases.last_release,
              user_count = (SELECT count(*) FROM issue_tags t WHERE t.issue_id = $1 AND t.key = 'user')
         FROM moved, releases
        WHERE i.id = $1`,
      [newId],
    );
    await m.query(
      `UPDATE issues SET count = greatest(count - (SELECT count FROM issues WHERE id = $1), 0) WHERE id = $2`,
      [newId, issueId],
    );
    return newId;
  }

  /** After hashes left an issue: drop emptied aggregates and recompute users and first/last seen. */
  private async refreshIssueAfterSplit(m: EntityManager, issueId: string): Promise<void> {
    await m.query(`DELETE FROM issue_tags WHERE issue_id = $1 AND count <= 0`, [issueId]);
    await m.query(`DELETE FROM issue_hourly_counts WHERE issue_id = $1 AND count <= 0`, [issueId]);
    await m.query(
      `WITH remaining AS (
         SELECT (SELECT received FROM events WHERE issue_id = $1 ORDER BY received ASC LIMIT 1) AS first_seen,
                (SELECT received FROM events WHERE issue_id = $1 ORDER BY received DESC LIMIT 1) AS last_seen
       )
       UPDATE issues i SET
         user_count = (SELECT count(*) FROM issue_tags t WHERE t.issue_id = $1 AND t.key = 'user'),
         first_seen = GREATEST(i.first_seen, COALESCE(remaining.first_seen, i.first_seen)),
         last_seen = LEAST(i.last_seen, COALESCE(remaining.last_seen, i.last_seen))
        FROM remaining
       WHERE i.id = $1`,
      [issueId],
    );
  }

  /** Deletes issues with their events; hashes, tags, counts and comments go with them. */
  async delete(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM events WHERE issue_id = ANY($1::bigint[])`, [ids]);
      const deleted = rowsOf<{ id: string }>(
        await m.query(`DELETE FROM issues WHERE id = ANY($1::bigint[]) RETURNING id`, [ids]),
      );
      return deleted.length;
    });
  }

  /**
   * Event counts per bucket from the hourly aggregates: 24 hourly buckets (`24h`) or 14 daily ones (`14d`),
   * oldest first, ending with the current hour or day, as `[unix seconds, count]`.
   */
  async stats(
    ids: string[],
    period: StatsPeriod,
    now = new Date(),
  ): Promise<Map<string, Array<[number, number]>>> {
    const bucketMs = period === '24h' ? HOUR_MS : DAY_MS;
    const buckets = period === '24h' ? 24 : 14;
    const last = Math.floor(now.getTime() / bucketMs) * bucketMs;
    const first = last - (buckets - 1) * bucketMs;
    const result = new Map<string, Array<[number, number]>>();
    for (const id of ids) {
      result.set(
        id,
        Array.from({ length: buckets }, (_, i): [number, number] => [(first + i * bucketMs) / 1000, 0]),
      );
    }
    if (ids.length === 0) return result;
    const rows: Array<{ issue_id: string; bucket: string; n: string }> = await this.dataSource.query(
      `SELECT issue_id, floor(extract(epoch FROM hour) * 1000 / $3)::bigint AS bucket, sum(count) AS n
         FROM issue_hourly_counts WHERE issue_id = ANY($1::bigint[]) AND hour >= $2::timestamptz
        GROUP BY 1, 2`,
      [ids, new Date(first).toISOString(), bucketMs],
    );
    for (const row of rows) {
      const series = result.get(String(row.issue_id));
      const index = Number(row.bucket) - first / bucketMs;
      if (series && index >= 0 && index < buckets) series[index]![1] += Number(row.n);
    }
    return result;
  }

  /** Tag keys of an issue with their most frequent values (from the per-issue tag aggregates). */
  async tags(issueId: string, key?: string): Promise<IssueTagSummary[]> {
    const rows: Array<{ key: string; value: string; count: string; total: string; uniq: string }> =
      await this.dataSource.query(
        `SELECT key, value, count, total, uniq FROM (
           SELECT key, value, count, sum(count) OVER w AS total, count(*) OVER w AS uniq,
                  row_number() OVER (PARTITION BY key ORDER BY count DESC, value) AS rn
             FROM issue_tags WHERE issue_id = $1 AND ($2::varchar IS NULL OR key = $2)
           WINDOW w AS (PARTITION BY key)
         ) x WHERE rn <= ${TOP_VALUES} ORDER BY key, count DESC, value`,
        [issueId, key ?? null],
      );
    const byKey = new Map<string, IssueTagSummary>();
    for (const row of rows) {
      let summary = byKey.get(row.key);
      if (!summary) {
        summary = {
          key: row.key,
          totalValues: Number(row.total),
          uniqueValues: Number(row.uniq),
          topValues: [],
        };
        byKey.set(row.key, summary);
      }
      summary.topValues.push({ value: row.value, count: Number(row.count) });
    }
    return [...byKey.values()];
  }

  /** The grouping hashes of an issue (32 hex), in GlitchTip's order (by value). */
  async hashes(issueId: string): Promise<string[]> {
    const rows: Array<{ value: string }> = await this.dataSource.query(
      `SELECT value FROM issue_hashes WHERE issue_id = $1 ORDER BY value`,
      [issueId],
    );
    return rows.map((r) => r.value);
  }

  /** Comment counts per issue. */
  async commentCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ issue_id: string; n: string }> = await this.dataSource.query(
      `SELECT issue_id, count(*) AS n FROM issue_comments WHERE issue_id = ANY($1::bigint[]) GROUP BY issue_id`,
      [ids],
    );
    return new Map(rows.map((r) => [String(r.issue_id), Number(r.n)]));
  }

  async userReportCount(issueId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM user_reports WHERE issue_id = $1`,
      [issueId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
