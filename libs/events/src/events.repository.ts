import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import { EVENT_COLUMNS, EventEntity } from './entities/event.entity';

/** Events are always read within one issue or one project (the table's indexes lead with these columns). */
export type EventScope = { column: 'issue_id' | 'project_id'; id: string };

/** What a new issue split off by unmerge takes from the newest event of its hash. */
export interface IssueTemplate {
  title: string;
  culprit: string;
  type: number;
  level: number;
  platform: string | null;
  metadata: unknown;
}

/** Tag value counts of an issue's events, truncated to the lengths `issue_tags` stores. */
export interface EventTagCount {
  key: string;
  value: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface IssueEventSummary {
  count: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  firstRelease: string | null;
  lastRelease: string | null;
}

/** One event as ingest stores it (its issue is given alongside, see `insertBatch`). */
export interface NewEvent {
  projectId: number;
  /** 32 lowercase hex. */
  eventId: string;
  received: Date;
  timestamp: Date;
  type: number;
  level: number;
  title: string;
  culprit: string;
  platform: string | null;
  environment: string | null;
  release: string | null;
  userKey: string | null;
  hash: string;
  tags: Array<[string, string]>;
  /** The stored document as UTF-8 JSON. */
  dataJson: Buffer;
}

/** 32 hex as a uuid literal. */
export function hexToUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');

/**
 * `[e1,e2,…]` from elements that are UTF-8 JSON already, as one Buffer: node-postgres sends a Buffer parameter as
 * is (binary format, which for `json` is the text itself), so a batch's megabyte of event documents is never
 * turned into one large JavaScript string, which V8 and the driver handle much more slowly than a memory copy.
 */
function joinJson(parts: Buffer[]): Buffer {
  const list: Buffer[] = [OPEN_BRACKET];
  parts.forEach((part, i) => list.push(...(i === 0 ? [part] : [COMMA, part])));
  list.push(CLOSE_BRACKET);
  return Buffer.concat(list);
}

/** All SQL on the day-partitioned `events` table. Methods that take `m` run in the caller's transaction. */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(EventEntity);
  }

  /** One page, newest first. */
  page(scope: EventScope, offset: number, limit: number): Promise<EventEntity[]> {
    return this.repo
      .createQueryBuilder('e')
      .where(`e.${scope.column} = :id`, { id: scope.id })
      .orderBy('e.received', 'DESC')
      .addOrderBy('e.event_id', 'DESC')
      .offset(offset)
      .limit(limit)
      .getMany();
  }

  /** How many events the scope holds, counted up to `cap` (so that counting stays cheap on large issues). */
  async countUpTo(scope: EventScope, cap: number): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${scope.column} = $1 LIMIT $2) c`,
      [scope.id, cap],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The id of the next event after (`newer`) or before `event` in receive order within the scope. */
  async neighbourId(scope: EventScope, event: EventEntity, newer: boolean): Promise<string | null> {
    const rows: Array<{ event_id: string }> = await this.dataSource.query(
      `SELECT event_id FROM events
        WHERE ${scope.column} = $1 AND received ${newer ? '>=' : '<='} $2
          AND (received ${newer ? '>' : '<'} $2 OR event_id ${newer ? '>' : '<'} $3)
        ORDER BY received ${newer ? 'ASC' : 'DESC'}, event_id ${newer ? 'ASC' : 'DESC'} LIMIT 1`,
      [scope.id, event.received.toISOString(), event.eventId],
    );
    return rows[0]?.event_id ?? null;
  }

  latestInIssue(issueId: string): Promise<EventEntity | null> {
    return this.repo.findOne({ where: { issueId }, order: { received: 'DESC', eventId: 'DESC' } });
  }

  /**
   * Per issue, how many events it received at or after `since` (in `environment` only, when given), counted up to
   * `cap`: an issue with a million recent events costs `cap` index entries, not a million.
   */
  async countsSinceUpTo(
    issueIds: string[],
    since: Date,
    environment: string | null,
    cap: number,
  ): Promise<Map<string, number>> {
    if (issueIds.length === 0) return new Map();
    const rows: Array<{ id: string; n: string }> = await this.dataSource.query(
      `SELECT i.id, (SELECT count(*) FROM (
                SELECT 1 FROM events e
                 WHERE e.issue_id = i.id AND e.received >= $2
                   AND ($3::varchar IS NULL OR e.environment = $3)
                 LIMIT $4) capped) AS n
         FROM unnest($1::bigint[]) AS i(id)`,
      [issueIds, since.toISOString(), environment, cap],
    );
    return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
  }

  findInIssue(issueId: string, eventId: string): Promise<EventEntity | null> {
    return this.repo.findOne({ where: { issueId, eventId } });
  }

  findInProject(projectId: string, eventId: string): Promise<EventEntity | null> {
    return this.repo.findOne({ where: { projectId, eventId } });
  }

  latestOfHash(issueId: string, hash: string): Promise<EventEntity | null> {
    return this.repo
      .createQueryBuilder('e')
      .where('e.issue_id = :issueId AND e.hash = :hash', { issueId, hash })
      .orderBy('e.received', 'DESC')
      .limit(1)
      .getOne();
  }

  /** The issue holding an event, among the given projects. */
  async issueIdOfEvent(projectIds: string[], eventId: string): Promise<string | null> {
    const rows: Array<{ issue_id: string }> = await this.dataSource.query(
      `SELECT issue_id FROM events WHERE event_id = $1 AND project_id = ANY($2::bigint[]) LIMIT 1`,
      [eventId, projectIds],
    );
    return rows[0]?.issue_id == null ? null : String(rows[0].issue_id);
  }

  /**
   * The issue of each stored event among `events` (project id and 32-hex event id), keyed `project:event`; events
   * not stored (yet) are absent.
   */
  async issueIdsOfEvents(
    events: Array<{ projectId: number | string; eventId: string }>,
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    if (events.length === 0) return new Map();
    const rows = rowsOf<{ project_id: string; event_id: string; issue_id: string }>(
      await m.query(
        `SELECT DISTINCT ON (e.project_id, e.event_id) e.project_id, replace(e.event_id::text, '-', '') AS event_id,
                e.issue_id
           FROM unnest($1::bigint[], $2::uuid[]) AS x(p, e)
           JOIN events e ON e.event_id = x.e AND e.project_id = x.p`,
        [events.map((e) => e.projectId), events.map((e) => e.eventId)],
      ),
    );
    return new Map(rows.map((r) => [`${r.project_id}:${r.event_id}`, String(r.issue_id)]));
  }

  /** What a new issue split off from `issueId` for `hash` starts from: the hash's newest event. */
  async templateOfHash(m: EntityManager, issueId: string, hash: string): Promise<IssueTemplate | null> {
    const rows: IssueTemplate[] = await m.query(
      `SELECT title, culprit, type, level, platform, data->'metadata' AS metadata FROM events
        WHERE issue_id = $1 AND hash = $2 ORDER BY received DESC LIMIT 1`,
      [issueId, hash],
    );
    return rows[0] ?? null;
  }

  async moveIssues(m: EntityManager, fromIssueIds: string[], toIssueId: string): Promise<void> {
    await m.query(`UPDATE events SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
      toIssueId,
      fromIssueIds,
    ]);
  }

  async moveHash(m: EntityManager, fromIssueId: string, hash: string, toIssueId: string): Promise<void> {
    await m.query(`UPDATE events SET issue_id = $1 WHERE issue_id = $2 AND hash = $3`, [
      toIssueId,
      fromIssueId,
      hash,
    ]);
  }

  /** Which of `eventIds` (32 hex) the issue holds. */
  async eventIdsInIssue(m: EntityManager, issueId: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: Array<{ event_id: string }> = await m.query(
      `SELECT replace(event_id::text, '-', '') AS event_id FROM events
        WHERE issue_id = $1 AND event_id = ANY($2::uuid[])`,
      [issueId, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** Tag value counts over an issue's events (keys and values cut to 200 characters, as `issue_tags` stores them). */
  async tagCountsOfIssue(m: EntityManager, issueId: string): Promise<EventTagCount[]> {
    const rows: Array<{ key: string; value: string; n: string; first_seen: Date; last_seen: Date }> =
      await m.query(
        `SELECT left(kv.key, 200) AS key, left(kv.value, 200) AS value, count(*) AS n,
                min(e.received) AS first_seen, max(e.received) AS last_seen
           FROM events e CROSS JOIN LATERAL jsonb_each_text(e.tags) AS kv(key, value)
          WHERE e.issue_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [issueId],
      );
    return rows.map((r) => ({
      key: r.key,
      value: r.value,
      count: Number(r.n),
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  /** Event counts of an issue per hour. */
  async hourlyCountsOfIssue(
    m: EntityManager,
    issueId: string,
  ): Promise<Array<{ hour: Date; count: number }>> {
    const rows: Array<{ hour: Date; n: string }> = await m.query(
      `SELECT date_trunc('hour', received) AS hour, count(*) AS n FROM events WHERE issue_id = $1
        GROUP BY 1 ORDER BY 1`,
      [issueId],
    );
    return rows.map((r) => ({ hour: r.hour, count: Number(r.n) }));
  }

  /** Count, first and last receive time and first and last release of an issue's stored events. */
  async summaryOfIssue(m: EntityManager, issueId: string): Promise<IssueEventSummary> {
    const rows: Array<{
      n: string;
      first_seen: Date | null;
      last_seen: Date | null;
      first_release: string | null;
      last_release: string | null;
    }> = await m.query(
      `SELECT (SELECT count(*) FROM events WHERE issue_id = $1) AS n,
              (SELECT received FROM events WHERE issue_id = $1 ORDER BY received ASC LIMIT 1) AS first_seen,
              (SELECT received FROM events WHERE issue_id = $1 ORDER BY received DESC LIMIT 1) AS last_seen,
              (SELECT release FROM events WHERE issue_id = $1 AND release IS NOT NULL
                ORDER BY received ASC LIMIT 1) AS first_release,
              (SELECT release FROM events WHERE issue_id = $1 AND release IS NOT NULL
                ORDER BY received DESC LIMIT 1) AS last_release`,
      [issueId],
    );
    const row = rows[0]!;
    return {
      count: Number(row.n),
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      firstRelease: row.first_release,
      lastRelease: row.last_release,
    };
  }

  /** Which of `issueIds` still hold at least one event. */
  async issueIdsWithEvents(
    issueIds: string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Set<string>> {
    if (issueIds.length === 0) return new Set();
    const rows: Array<{ id: string }> = await m.query(
      `SELECT i.id FROM unnest($1::bigint[]) AS i(id)
        WHERE EXISTS (SELECT 1 FROM events e WHERE e.issue_id = i.id)`,
      [issueIds],
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  async deleteOfIssues(m: EntityManager, issueIds: string[]): Promise<void> {
    if (issueIds.length === 0) return;
    await m.query(`DELETE FROM events WHERE issue_id = ANY($1::bigint[])`, [issueIds]);
  }

  async deleteOfProjects(m: EntityManager, projectIds: string[]): Promise<void> {
    if (projectIds.length === 0) return;
    await m.query(`DELETE FROM events WHERE project_id = ANY($1::bigint[])`, [projectIds]);
  }

  /** `project:eventId` (32 hex) of the stored events among `eventIds`, whichever project they belong to. */
  async storedKeys(eventIds: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string; project_id: string }> = await this.dataSource.query(
      `SELECT replace(event_id::text, '-', '') AS id, project_id FROM events WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return new Set(rows.map((r) => `${r.project_id}:${r.id}`));
  }

  /**
   * Inserts a batch in one statement, `issueIds[i]` being the issue of `events[i]`; answers the ids (32 hex) of the
   * events stored (ON CONFLICT covers a concurrent worker storing the same resend into the same day). The JSON
   * columns travel as one JSON array text each, not as jsonb[]: an array literal of large JSON strings costs
   * escaping in node-postgres and unescaping in PostgreSQL, several times the cost of the rest of the batch.
   */
  async insertBatch(m: EntityManager, events: NewEvent[], issueIds: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO events (${EVENT_COLUMNS})
       SELECT u.e, u.r, u.p, u.i, u.t, u.ty, u.l, u.ti, u.cu, u.pl, u.en, u.re, u.us, u.h, tg.v::jsonb, d.v::jsonb
         FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::timestamptz[],
                     $6::smallint[], $7::smallint[], $8::varchar[], $9::varchar[], $10::varchar[],
                     $11::varchar[], $12::varchar[], $13::varchar[], $14::char(32)[])
              WITH ORDINALITY AS u(e, r, p, i, t, ty, l, ti, cu, pl, en, re, us, h, n)
         JOIN json_array_elements($15::json) WITH ORDINALITY AS tg(v, n) ON tg.n = u.n
         JOIN json_array_elements($16::json) WITH ORDINALITY AS d(v, n) ON d.n = u.n
       ON CONFLICT DO NOTHING
       RETURNING replace(event_id::text, '-', '') AS id`,
      [
        events.map((e) => hexToUuid(e.eventId)),
        events.map((e) => e.received.toISOString()),
        events.map((e) => e.projectId),
        issueIds,
        events.map((e) => e.timestamp.toISOString()),
        events.map((e) => e.type),
        events.map((e) => e.level),
        events.map((e) => e.title),
        events.map((e) => e.culprit),
        events.map((e) => e.platform),
        events.map((e) => e.environment),
        events.map((e) => e.release),
        events.map((e) => e.userKey),
        events.map((e) => e.hash),
        JSON.stringify(events.map((e) => Object.fromEntries(e.tags))),
        joinJson(events.map((e) => e.dataJson)),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }
}
