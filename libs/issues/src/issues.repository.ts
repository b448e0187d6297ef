import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { rowsOf } from '@app/core';
import type { EventTagCount, IssueEventSummary, IssueTemplate } from '@app/events';
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

export interface StatusChange {
  status: IssueStatus;
  /** Stored as given; `inNextRelease` / `inRelease` also guard against reopening (see the batch writer). */
  statusDetails: Record<string, unknown>;
}

/** A grouping hash of a project: `key` is `projectId:hash`. */
export interface ProjectHash {
  projectId: number;
  hash: string;
}

export function hashKeyOf(h: ProjectHash): string {
  return `${h.projectId}:${h.hash}`;
}

/** An issue ingest creates for a hash seen for the first time, from the hash's first event. */
export interface NewIssue extends ProjectHash {
  shortId: number;
  title: string;
  culprit: string;
  type: number;
  level: number;
  metadata: Record<string, unknown>;
  platform: string | null;
  firstSeen: Date;
  release: string | null;
  searchText: string;
}

/** How often a batch saw one tag value on one issue. */
export interface IssueTagDelta {
  issueId: string;
  key: string;
  value: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** What a batch adds to one issue. */
export interface IssueDelta {
  issueId: string;
  count: number;
  /** `user` tag values the issue had never seen. */
  newUsers: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The level of its latest event, and the latest release seen (null: none). */
  level: number;
  release: string | null;
}

export interface IssueHourDelta {
  issueId: string;
  hour: Date;
  count: number;
}

/** A stored event's issue, for user reports that arrived before the event. */
export interface EventIssueLink {
  projectId: number;
  /** uuid text. */
  eventId: string;
  issueId: string;
}

/**
 * A resolved issue that gets an event reopens, unless it was resolved "in the next release" (or in a release):
 * then only an event of another release than the one current when it was resolved reopens it.
 */
const REGRESSED = `(locked.status = ${IssueStatus.Resolved} AND NOT (
  locked.status_details ?| array['inNextRelease', 'inRelease']
  AND (v.release IS NULL OR v.release IS NOT DISTINCT FROM locked.resolved_release)))`;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The most tag values listed per key. */
const TOP_VALUES = 100;

/**
 * All SQL on `issues`, `issue_hashes`, `issue_tags` and `issue_hourly_counts`. Methods that take `m` run in the
 * caller's transaction.
 */
@Injectable()
export class IssuesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One page of issue ids in order, answered one project at a time (an ordered index scan per project, merged
   * and cut to the page), and how many match (counted up to `countCap + 1`).
   */
  async list(
    filter: IssueFilter,
    sort: IssueSort,
    page: IssuePage,
    countCap: number,
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

  /** Every issue id the filter selects, in id order. */
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

  findById(id: string): Promise<IssueEntity | null> {
    return this.dataSource.getRepository(IssueEntity).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<IssueEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(IssueEntity).findBy({ id: In(ids) });
  }

  async setStatus(ids: string[], change: StatusChange, releaseGuarded: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE issues SET status = $2, status_details = $3::jsonb,
              resolved_release = CASE WHEN $4::boolean THEN last_release ELSE NULL END
        WHERE id = ANY($1::bigint[])`,
      [ids, change.status, JSON.stringify(change.statusDetails), releaseGuarded],
    );
  }

  async assign(ids: string[], userId: string | null, teamId: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE issues SET assigned_user_id = $2, assigned_team_id = $3 WHERE id = ANY($1::bigint[])`,
      [ids, userId, teamId],
    );
  }

  /** Unassigns the user from the issues of these projects (when the user leaves their organization). */
  async unassignUserInProjects(m: EntityManager, userId: string, projectIds: string[]): Promise<void> {
    if (projectIds.length === 0) return;
    await m.query(
      `UPDATE issues SET assigned_user_id = NULL WHERE assigned_user_id = $1 AND project_id = ANY($2::bigint[])`,
      [userId, projectIds],
    );
  }

  /**
   * Issues of these projects that received an event at or after `since` (`last_seen` is the latest event's
   * receipt time), by the (project_id, last_seen) index.
   */
  /** Issues of these projects seen at or after `since`, with their lifetime event count (an upper bound of any window's). */
  async idsSeenSince(
    projectIds: string[],
    since: Date,
  ): Promise<Array<{ id: string; projectId: string; count: number }>> {
    if (projectIds.length === 0) return [];
    const rows: Array<{ id: string; project_id: string; count: string }> = await this.dataSource.query(
      `SELECT id, project_id, count FROM issues WHERE project_id = ANY($1::bigint[]) AND last_seen >= $2`,
      [projectIds, since.toISOString()],
    );
    return rows.map((r) => ({ id: String(r.id), projectId: String(r.project_id), count: Number(r.count) }));
  }

  /** The distinct projects of these issues. */
  async projectIdsOf(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ project_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT project_id FROM issues WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map((r) => String(r.project_id));
  }

  /** Locks the issues (in id order, so that concurrent merges cannot deadlock) and returns their projects. */
  async lock(m: EntityManager, ids: string[]): Promise<Array<{ id: string; projectId: string }>> {
    const rows: Array<{ id: string; project_id: string }> = await m.query(
      `SELECT id, project_id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return rows.map((r) => ({ id: String(r.id), projectId: String(r.project_id) }));
  }

  /**
   * Moves the children's hashes and aggregates (tags, hourly counts, count, first/last seen and release, level,
   * users) into the parent, then deletes the children. The caller moves what other tables hold first.
   */
  async mergeInto(m: EntityManager, parent: string, children: string[]): Promise<void> {
    await m.query(`UPDATE issue_hashes SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
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
    await this.delete(m, children);
  }

  async hashesOf(m: EntityManager, issueId: string): Promise<Array<{ id: string; value: string }>> {
    const rows: Array<{ id: string; value: string }> = await m.query(
      `SELECT id, value FROM issue_hashes WHERE issue_id = $1 ORDER BY id`,
      [issueId],
    );
    return rows.map((r) => ({ id: String(r.id), value: r.value }));
  }

  async deleteHash(m: EntityManager, hashId: string): Promise<void> {
    await m.query(`DELETE FROM issue_hashes WHERE id = $1`, [hashId]);
  }

  /** A new issue for a hash split off by unmerge, numbered `shortId`, from `template`; the hash moves to it. */
  async createSplitIssue(
    m: EntityManager,
    split: { projectId: string; shortId: number; hashId: string; template: IssueTemplate },
  ): Promise<string> {
    const { template } = split;
    const inserted: Array<{ id: string }> = await m.query(
      `INSERT INTO issues (project_id, short_id, title, culprit, type, level, metadata, platform, first_seen, last_seen,
                           search_text)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::jsonb, '{}'::jsonb), $8, now(), now(), $9)
       RETURNING id`,
      [
        split.projectId,
        split.shortId,
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
    await m.query(`UPDATE issue_hashes SET issue_id = $1 WHERE id = $2`, [newId, split.hashId]);
    return newId;
  }

  /** Sets a split-off issue's aggregates from the events that moved to it. */
  async setSplitAggregates(
    m: EntityManager,
    issueId: string,
    moved: {
      tags: EventTagCount[];
      hourly: Array<{ hour: Date; count: number }>;
      summary: IssueEventSummary;
    },
  ): Promise<void> {
    const { tags, hourly, summary } = moved;
    if (tags.length) {
      await m.query(
        `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
         SELECT $1, * FROM unnest($2::varchar[], $3::varchar[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])`,
        [
          issueId,
          tags.map((t) => t.key),
          tags.map((t) => t.value),
          tags.map((t) => t.count),
          tags.map((t) => t.firstSeen),
          tags.map((t) => t.lastSeen),
        ],
      );
    }
    if (hourly.length) {
      await m.query(
        `INSERT INTO issue_hourly_counts (issue_id, hour, count) SELECT $1, * FROM unnest($2::timestamptz[], $3::int[])`,
        [issueId, hourly.map((h) => h.hour), hourly.map((h) => h.count)],
      );
    }
    await m.query(
      `UPDATE issues SET count = $2, first_seen = $3, last_seen = $4, first_release = $5, last_release = $6,
              user_count = (SELECT count(*) FROM issue_tags t WHERE t.issue_id = $1 AND t.key = 'user')
        WHERE id = $1`,
      [
        issueId,
        summary.count,
        summary.firstSeen,
        summary.lastSeen,
        summary.firstRelease,
        summary.lastRelease,
      ],
    );
  }

  /** Takes the split-off issue's count, tag and hourly aggregates off the issue it came from. */
  async subtractSplit(m: EntityManager, fromIssueId: string, splitIssueId: string): Promise<void> {
    await m.query(
      `UPDATE issue_tags t SET count = t.count - n.count FROM issue_tags n
        WHERE n.issue_id = $1 AND t.issue_id = $2 AND t.key = n.key AND t.value = n.value`,
      [splitIssueId, fromIssueId],
    );
    await m.query(
      `UPDATE issue_hourly_counts h SET count = h.count - n.count FROM issue_hourly_counts n
        WHERE n.issue_id = $1 AND h.issue_id = $2 AND h.hour = n.hour`,
      [splitIssueId, fromIssueId],
    );
    await m.query(
      `UPDATE issues SET count = greatest(count - (SELECT count FROM issues WHERE id = $1), 0) WHERE id = $2`,
      [splitIssueId, fromIssueId],
    );
  }

  /**
   * After hashes left an issue: drops emptied aggregates and recomputes users; first and last seen narrow to the
   * remaining events' receive times.
   */
  async refreshAfterSplit(
    m: EntityManager,
    issueId: string,
    remaining: { firstSeen: Date | null; lastSeen: Date | null },
  ): Promise<void> {
    await m.query(`DELETE FROM issue_tags WHERE issue_id = $1 AND count <= 0`, [issueId]);
    await m.query(`DELETE FROM issue_hourly_counts WHERE issue_id = $1 AND count <= 0`, [issueId]);
    await m.query(
      `UPDATE issues i SET
         user_count = (SELECT count(*) FROM issue_tags t WHERE t.issue_id = $1 AND t.key = 'user'),
         first_seen = GREATEST(i.first_seen, COALESCE($2::timestamptz, i.first_seen)),
         last_seen = LEAST(i.last_seen, COALESCE($3::timestamptz, i.last_seen))
       WHERE i.id = $1`,
      [issueId, remaining.firstSeen, remaining.lastSeen],
    );
  }

  /** Deletes issues; hashes, tags, counts, comments and user reports go with them (foreign keys). */
  async delete(m: EntityManager, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const deleted = rowsOf<{ id: string }>(
      await m.query(`DELETE FROM issues WHERE id = ANY($1::bigint[]) RETURNING id`, [ids]),
    );
    return deleted.length;
  }

  /** Up to `limit` issues last seen before `cutoff`, in id order after `afterId`: the candidates for retention. */
  async lastSeenBefore(cutoff: Date, limit: number, afterId: string | null): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM issues WHERE last_seen < $1 AND id > $3 ORDER BY id LIMIT $2`,
      [cutoff.toISOString(), limit, afterId ?? '0'],
    );
    return rows.map((r) => String(r.id));
  }

  /** Deletes those of `ids` still last seen before `cutoff` (an event may have arrived meanwhile). */
  async deleteIfLastSeenBefore(ids: string[], cutoff: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const deleted = rowsOf<{ id: string }>(
      await this.dataSource.query(
        `DELETE FROM issues WHERE id = ANY($1::bigint[]) AND last_seen < $2 RETURNING id`,
        [ids, cutoff.toISOString()],
      ),
    );
    return deleted.length;
  }

  /** Summed hourly counts per issue and bucket of `bucketMs`, from `from` on. */
  async bucketCounts(
    ids: string[],
    from: Date,
    bucketMs: number,
  ): Promise<Array<{ issueId: string; bucket: number; count: number }>> {
    if (ids.length === 0) return [];
    const rows: Array<{ issue_id: string; bucket: string; n: string }> = await this.dataSource.query(
      `SELECT issue_id, floor(extract(epoch FROM hour) * 1000 / $3)::bigint AS bucket, sum(count) AS n
         FROM issue_hourly_counts WHERE issue_id = ANY($1::bigint[]) AND hour >= $2::timestamptz
        GROUP BY 1, 2`,
      [ids, from.toISOString(), bucketMs],
    );
    return rows.map((r) => ({ issueId: String(r.issue_id), bucket: Number(r.bucket), count: Number(r.n) }));
  }

  /** Tag values of an issue (the most frequent `TOP_VALUES` per key), with each key's totals. */
  async tagValues(
    issueId: string,
    key: string | null,
  ): Promise<Array<{ key: string; value: string; count: number; total: number; unique: number }>> {
    const rows: Array<{ key: string; value: string; count: string; total: string; uniq: string }> =
      await this.dataSource.query(
        `SELECT key, value, count, total, uniq FROM (
           SELECT key, value, count, sum(count) OVER w AS total, count(*) OVER w AS uniq,
                  row_number() OVER (PARTITION BY key ORDER BY count DESC, value) AS rn
             FROM issue_tags WHERE issue_id = $1 AND ($2::varchar IS NULL OR key = $2)
           WINDOW w AS (PARTITION BY key)
         ) x WHERE rn <= ${TOP_VALUES} ORDER BY key, count DESC, value`,
        [issueId, key],
      );
    return rows.map((r) => ({
      key: r.key,
      value: r.value,
      count: Number(r.count),
      total: Number(r.total),
      unique: Number(r.uniq),
    }));
  }

  /** The grouping hashes of an issue (32 hex), in GlitchTip's order (by value). */
  async hashValues(issueId: string): Promise<string[]> {
    const rows: Array<{ value: string }> = await this.dataSource.query(
      `SELECT value FROM issue_hashes WHERE issue_id = $1 ORDER BY value`,
      [issueId],
    );
    return rows.map((r) => r.value);
  }

  /** The issues of already known hashes, by `hashKeyOf`; in the caller's transaction when given one. */
  async issueIdsOfHashes(
    hashes: ProjectHash[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (hashes.length === 0) return found;
    const rows: Array<{ project_id: string; value: string; issue_id: string }> = await m.query(
      `SELECT h.project_id, h.value, h.issue_id FROM issue_hashes h
         JOIN unnest($1::bigint[], $2::char(32)[]) AS x(p, v) ON h.project_id = x.p AND h.value = x.v`,
      [hashes.map((h) => h.projectId), hashes.map((h) => h.hash)],
    );
    for (const row of rows) found.set(`${row.project_id}:${row.value}`, String(row.issue_id));
    return found;
  }

  /**
   * Serialises the creation of the same new hashes across workers: transaction-scoped locks, taken in a fixed
   * order and held to commit.
   */
  async lockHashes(m: EntityManager, hashes: ProjectHash[]): Promise<void> {
    if (hashes.length === 0) return;
    await m.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 7)) FROM unnest($1::text[]) AS k ORDER BY k`,
      [hashes.map(hashKeyOf).sort()],
    );
  }

  /** Inserts the issues and their hashes (two statements); answers their ids, by `hashKeyOf`. */
  async insertWithHashes(m: EntityManager, issues: NewIssue[]): Promise<Map<string, string>> {
    const idOf = new Map<string, string>();
    if (issues.length === 0) return idOf;
    const created: Array<{ id: string; project_id: string; short_id: number }> = await m.query(
      `INSERT INTO issues (project_id, short_id, title, culprit, type, level, metadata, platform, first_seen, last_seen,
                           first_release, last_release, search_text)
       SELECT p, s, t, c, ty, l, md, pl, fs, fs, r, r, st
         FROM unnest($1::bigint[], $2::int[], $3::varchar[], $4::varchar[], $5::smallint[], $6::smallint[], $7::jsonb[],
                     $8::varchar[], $9::timestamptz[], $10::varchar[], $11::text[]) AS x(p, s, t, c, ty, l, md, pl, fs, r, st)
       RETURNING id, project_id, short_id`,
      [
        issues.map((i) => i.projectId),
        issues.map((i) => i.shortId),
        issues.map((i) => i.title),
        issues.map((i) => i.culprit),
        issues.map((i) => i.type),
        issues.map((i) => i.level),
        issues.map((i) => JSON.stringify(i.metadata)),
        issues.map((i) => i.platform),
        issues.map((i) => i.firstSeen.toISOString()),
        issues.map((i) => i.release),
        issues.map((i) => i.searchText),
      ],
    );
    const keyOfShortId = new Map(issues.map((i) => [`${i.projectId}:${i.shortId}`, hashKeyOf(i)]));
    for (const row of created)
      idOf.set(keyOfShortId.get(`${row.project_id}:${row.short_id}`)!, String(row.id));
    await m.query(
      `INSERT INTO issue_hashes (project_id, issue_id, value)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::char(32)[])`,
      [issues.map((i) => i.projectId), issues.map((i) => idOf.get(hashKeyOf(i))!), issues.map((i) => i.hash)],
    );
    return idOf;
  }

  /**
   * Adds a batch's tag counts (one upsert, rows in a fixed order so that concurrent batches lock alike); answers,
   * per issue, how many `user` values it had never seen (its distinct-user growth).
   */
  async addTagCounts(m: EntityManager, deltas: IssueTagDelta[]): Promise<Map<string, number>> {
    const newUsers = new Map<string, number>();
    if (deltas.length === 0) return newUsers;
    const list = [...deltas].sort(
      (a, b) =>
        Number(a.issueId) - Number(b.issueId) || compareText(a.key, b.key) || compareText(a.value, b.value),
    );
    const rows: Array<{ issue_id: string; key: string; inserted: boolean }> = await m.query(
      `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
       SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
       ON CONFLICT (issue_id, key, value) DO UPDATE SET
         count = issue_tags.count + EXCLUDED.count,
         first_seen = LEAST(issue_tags.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(issue_tags.last_seen, EXCLUDED.last_seen)
       RETURNING issue_id, key, (xmax = 0) AS inserted`,
      [
        list.map((r) => r.issueId),
        list.map((r) => r.key.slice(0, 200)),
        list.map((r) => r.value.slice(0, 200)),
        list.map((r) => r.count),
        list.map((r) => r.firstSeen.toISOString()),
        list.map((r) => r.lastSeen.toISOString()),
      ],
    );
    for (const row of rows) {
      const issueId = String(row.issue_id);
      if (row.key === 'user' && row.inserted) newUsers.set(issueId, (newUsers.get(issueId) ?? 0) + 1);
    }
    return newUsers;
  }

  /**
   * Adds a batch's counts, users, first/last seen, latest level and release to its issues (locked in id order);
   * a resolved issue that gets an event reopens (`REGRESSED`). Answers the ids of the issues that reopened.
   */
  async addEventDeltas(m: EntityManager, deltas: IssueDelta[]): Promise<string[]> {
    if (deltas.length === 0) return [];
    const list = [...deltas].sort((a, b) => Number(a.issueId) - Number(b.issueId));
    const rows = rowsOf<{ id: string; regressed: boolean }>(
      await m.query(
        `WITH locked AS (
         SELECT id, status, status_details, resolved_release FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE
       ), v AS (
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::smallint[],
                              $7::varchar[]) AS x(id, n, users, first_seen, last_seen, level, release)
       )
       UPDATE issues i SET
         count = i.count + v.n,
         user_count = i.user_count + v.users,
         first_seen = LEAST(i.first_seen, v.first_seen),
         last_seen = GREATEST(i.last_seen, v.last_seen),
         level = CASE WHEN v.last_seen >= i.last_seen THEN v.level ELSE i.level END,
         last_release = COALESCE(v.release, i.last_release),
         status = CASE WHEN ${REGRESSED} THEN ${IssueStatus.Unresolved} ELSE i.status END,
         status_details = CASE WHEN ${REGRESSED} THEN '{}'::jsonb ELSE i.status_details END,
         resolved_release = CASE WHEN ${REGRESSED} THEN NULL ELSE i.resolved_release END
       FROM v, locked
       WHERE i.id = v.id AND locked.id = v.id
       RETURNING i.id, ${REGRESSED} AS regressed`,
        [
          list.map((d) => d.issueId),
          list.map((d) => d.count),
          list.map((d) => d.newUsers),
          list.map((d) => d.firstSeen.toISOString()),
          list.map((d) => d.lastSeen.toISOString()),
          list.map((d) => d.level),
          list.map((d) => d.release),
        ],
      ),
    );
    return rows.filter((r) => r.regressed).map((r) => String(r.id));
  }

  /**
   * Adds a batch's events per issue and hour; in the same round trip, links user reports (also this lib's) that
   * arrived before their event to the event's issue (a probe of their unique index per event).
   */
  async addHourlyCounts(
    m: EntityManager,
    deltas: IssueHourDelta[],
    reports: EventIssueLink[],
  ): Promise<void> {
    const list = [...deltas].sort(
      (a, b) => Number(a.issueId) - Number(b.issueId) || a.hour.getTime() - b.hour.getTime(),
    );
    await m.query(
      `WITH linked AS (
         UPDATE user_reports ur SET issue_id = x.i
           FROM unnest($4::bigint[], $5::uuid[], $6::bigint[]) AS x(p, e, i)
          WHERE ur.project_id = x.p AND ur.event_id = x.e AND ur.issue_id IS NULL
       )
       INSERT INTO issue_hourly_counts (issue_id, hour, count)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::int[])
       ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hourly_counts.count + EXCLUDED.count`,
      [
        list.map((d) => d.issueId),
        list.map((d) => d.hour.toISOString()),
        list.map((d) => d.count),
        reports.map((r) => r.projectId),
        reports.map((r) => r.eventId),
        reports.map((r) => r.issueId),
      ],
    );
  }
}
