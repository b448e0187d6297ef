import { rowsOf } from '@app/core';
import { EVENT_COLUMNS } from '@app/events';
import { DataSource, EntityManager } from 'typeorm';
import { IssueStatus } from '@app/issues';
import { PreparedEvent } from './prepare-event';

export interface BatchWriteResult {
  inserted: number;
  duplicates: number;
  newIssues: number;
  /** Events of projects that no longer exist, dropped. */
  orphaned: number;
  /** Issues that were resolved and got a new event (regressions). */
  regressedIssueIds: string[];
}

const HOUR_MS = 3_600_000;

function hexToUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `[v1,v2,…]` as JSON text, one element per row, for `json_array_elements($n::json) WITH ORDINALITY`. */
function jsonArray(values: unknown[]): string {
  return JSON.stringify(values);
}

const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');

/**
 * The same from elements that are UTF-8 JSON already, as one Buffer: node-postgres sends a Buffer parameter as
 * is (binary format, which for `json` is the text itself), so a batch's megabyte of event documents is never
 * turned into one large JavaScript string, which V8 and the driver handle much more slowly than a memory copy.
 */
function joinJson(parts: Buffer[]): Buffer {
  const list: Buffer[] = [OPEN_BRACKET];
  parts.forEach((part, i) => list.push(...(i === 0 ? [part] : [COMMA, part])));
  list.push(CLOSE_BRACKET);
  return Buffer.concat(list);
}

/** What is left of a batch once resends and events of deleted projects are dropped. */
interface BatchPlan {
  events: PreparedEvent[];
  organizationOf: Map<number, string>;
  result: BatchWriteResult;
}

function searchTextOf(event: PreparedEvent): string {
  return `${event.title} ${event.culprit}`.toLowerCase().slice(0, 2000);
}

/**
 * Writes a batch of prepared events with a fixed number of statements per batch (not per event): dedupe, hash
 * lookup, issue creation, event insert, and aggregate upserts. It takes up to three steps so that batches written
 * at the same time (two in flight in one worker, or several workers) do not wait for each other's whole transaction:
 *
 * 1. resends and events of deleted projects are dropped, and the issues of known hashes looked up, without a
 *    transaction (READ COMMITTED would not see a concurrent batch's uncommitted rows inside one either);
 * 2. issues for hashes seen for the first time are created in a short transaction of their own, so that the
 *    locks serialising their creation (per hash, and the project's short-id counter) are held for milliseconds
 *    instead of until the events of the whole batch are stored;
 * 3. events and aggregates are written in one transaction.
 *
 * If step 3 fails, the issues of step 2 stay (with no events until the batch is retried) and the short ids
 * they took are not handed out again.
 */
export async function writeEventBatchInSteps(
  dataSource: DataSource,
  batch: PreparedEvent[],
): Promise<BatchWriteResult> {
  const plan = await planEventBatch(dataSource.manager, batch);
  if (plan.events.length === 0) return plan.result;
  const pairs = hashPairs(plan.events);
  const issueOf = new Map<string, string>();
  await lookupIssues(dataSource.manager, pairs, [...pairs.keys()], issueOf);
  if (issueOf.size < pairs.size) {
    await dataSource.transaction((m) => createIssues(m, pairs, issueOf, plan.result));
  }
  return dataSource.transaction((m) => storeEventBatch(m, plan, issueOf));
}

async function planEventBatch(m: EntityManager, batch: PreparedEvent[]): Promise<BatchPlan> {
  const result: BatchWriteResult = {
    inserted: 0,
    duplicates: 0,
    newIssues: 0,
    orphaned: 0,
    regressedIssueIds: [],
  };

  // Drop resends: the same (project, event id) twice in the batch or already stored.
  const unique = new Map<string, PreparedEvent>();
  for (const event of batch) unique.set(`${event.projectId}:${event.eventId}`, event);
  result.duplicates += batch.length - unique.size;
  let events = [...unique.values()];
  const stored: Array<{ id: string; project_id: string }> = await m.query(
    `SELECT replace(event_id::text, '-', '') AS id, project_id FROM events WHERE event_id = ANY($1::uuid[])`,
    [events.map((e) => e.eventId)],
  );
  const storedKeys = new Set(stored.map((r) => `${r.project_id}:${r.id}`));
  events = events.filter((e) => !storedKeys.has(`${e.projectId}:${e.eventId}`));
  result.duplicates += unique.size - events.length;

  // Projects deleted since the event was accepted.
  const projectIds = [...new Set(events.map((e) => e.projectId))];
  const projects: Array<{ id: string; organization_id: string }> = await m.query(
    `SELECT id, organization_id FROM projects WHERE id = ANY($1::bigint[])`,
    [projectIds],
  );
  const organizationOf = new Map(projects.map((p) => [Number(p.id), p.organization_id]));
  const before = events.length;
  events = events.filter((e) => organizationOf.has(e.projectId));
  result.orphaned = before - events.length;
  return { events, organizationOf, result };
}

/** Events and the aggregates they feed, in the caller's transaction; every hash has an issue in `issueOf`. */
async function storeEventBatch(
  m: EntityManager,
  plan: BatchPlan,
  issueOf: Map<string, string>,
): Promise<BatchWriteResult> {
  const { events, organizationOf, result } = plan;

  // Events; ON CONFLICT covers a concurrent worker storing the same resend into the same day. The JSON columns
  // travel as one JSON array text each, not as jsonb[]: an array literal of large JSON strings costs escaping in
  // node-postgres and unescaping in PostgreSQL, several times the cost of the rest of the batch.
  const insertedRows: Array<{ id: string }> = await m.query(
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
      events.map((e) => issueOf.get(`${e.projectId}:${e.hash}`)!),
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
      jsonArray(events.map((e) => Object.fromEntries(e.tags))),
      joinJson(events.map((e) => e.dataJson)),
    ],
  );
  const insertedIds = new Set(insertedRows.map((r) => r.id));
  const written = events.filter((e) => insertedIds.has(e.eventId));
  result.duplicates += events.length - written.length;
  result.inserted = written.length;
  if (written.length === 0) return result;

  const userCountDelta = await upsertIssueTags(m, written, issueOf);
  result.regressedIssueIds = await updateIssueAggregates(m, written, issueOf, userCountDelta);
  await upsertHourlyCounts(m, written, issueOf);
  await upsertEnvironmentsAndReleases(m, written, organizationOf);
  // One round trip for two small updates: the project's first event, and user reports that arrived before
  // their event (a probe of their unique index per event).
  await m.query(
    `WITH linked AS (
       UPDATE user_reports ur SET issue_id = x.i
         FROM unnest($1::bigint[], $3::uuid[], $4::bigint[]) AS x(p, e, i)
        WHERE ur.project_id = x.p AND ur.event_id = x.e AND ur.issue_id IS NULL
     )
     UPDATE projects SET first_event = v.first FROM
       (SELECT p, min(t) AS first FROM unnest($1::bigint[], $2::timestamptz[]) AS x(p, t) GROUP BY p) v
     WHERE projects.id = v.p AND projects.first_event IS NULL`,
    [
      written.map((e) => e.projectId),
      written.map((e) => e.received.toISOString()),
      written.map((e) => hexToUuid(e.eventId)),
      written.map((e) => issueOf.get(`${e.projectId}:${e.hash}`)!),
    ],
  );
  return result;
}

/** The first event of each `project:hash` in the batch. */
function hashPairs(events: PreparedEvent[]): Map<string, PreparedEvent> {
  const pairs = new Map<string, PreparedEvent>();
  for (const e of events)
    if (!pairs.has(`${e.projectId}:${e.hash}`)) pairs.set(`${e.projectId}:${e.hash}`, e);
  return pairs;
}

/** Adds the issues of already known hashes among `keys` to `issueOf`. */
async function lookupIssues(
  m: EntityManager,
  pairs: Map<string, PreparedEvent>,
  keys: string[],
  issueOf: Map<string, string>,
): Promise<void> {
  if (keys.length === 0) return;
  const rows: Array<{ project_id: string; value: string; issue_id: string }> = await m.query(
    `SELECT h.project_id, h.value, h.issue_id FROM issue_hashes h
       JOIN unnest($1::bigint[], $2::char(32)[]) AS x(p, v) ON h.project_id = x.p AND h.value = x.v`,
    [keys.map((k) => pairs.get(k)!.projectId), keys.map((k) => pairs.get(k)!.hash)],
  );
  for (const row of rows) issueOf.set(`${row.project_id}:${row.value}`, row.issue_id);
}

/** Creates the issues of the hashes of `pairs` missing from `issueOf` (in the caller's transaction). */
async function createIssues(
  m: EntityManager,
  pairs: Map<string, PreparedEvent>,
  issueOf: Map<string, string>,
  result: BatchWriteResult,
): Promise<void> {
  let missing = [...pairs.keys()].filter((k) => !issueOf.has(k)).sort();
  if (missing.length === 0) return;

  // Serialise creation of the same new hash across workers; locks are taken in a fixed order and held to commit.
  await m.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 7)) FROM unnest($1::text[]) AS k ORDER BY k`,
    [missing],
  );
  await lookupIssues(m, pairs, missing, issueOf);
  missing = missing.filter((k) => !issueOf.has(k));
  if (missing.length === 0) return;

  const perProject = new Map<number, string[]>();
  for (const key of missing) {
    const projectId = pairs.get(key)!.projectId;
    perProject.set(projectId, [...(perProject.get(projectId) ?? []), key]);
  }
  const shortIds = new Map<string, number>();
  for (const [projectId, keys] of [...perProject.entries()].sort((a, b) => a[0] - b[0])) {
    const rows = rowsOf<{ issue_counter: number }>(
      await m.query(
        `UPDATE projects SET issue_counter = issue_counter + $2 WHERE id = $1 RETURNING issue_counter`,
        [projectId, keys.length],
      ),
    );
    const last = rows[0]!.issue_counter;
    keys.forEach((key, index) => shortIds.set(key, last - keys.length + 1 + index));
  }
  const firsts = missing.map((k) => pairs.get(k)!);
  const created: Array<{ id: string; project_id: string; short_id: number }> = await m.query(
    `INSERT INTO issues (project_id, short_id, title, culprit, type, level, metadata, platform, first_seen, last_seen,
                         first_release, last_release, search_text)
     SELECT p, s, t, c, ty, l, md, pl, fs, fs, r, r, st
       FROM unnest($1::bigint[], $2::int[], $3::varchar[], $4::varchar[], $5::smallint[], $6::smallint[], $7::jsonb[],
                   $8::varchar[], $9::timestamptz[], $10::varchar[], $11::text[]) AS x(p, s, t, c, ty, l, md, pl, fs, r, st)
     RETURNING id, project_id, short_id`,
    [
      firsts.map((e) => e.projectId),
      missing.map((k) => shortIds.get(k)!),
      firsts.map((e) => e.title),
      firsts.map((e) => e.culprit),
      firsts.map((e) => e.type),
      firsts.map((e) => e.level),
      firsts.map((e) => JSON.stringify(e.metadata)),
      firsts.map((e) => e.platform),
      firsts.map((e) => e.received.toISOString()),
      firsts.map((e) => e.release),
      firsts.map(searchTextOf),
    ],
  );
  const keyByShortId = new Map(missing.map((k) => [`${pairs.get(k)!.projectId}:${shortIds.get(k)}`, k]));
  for (const row of created) issueOf.set(keyByShortId.get(`${row.project_id}:${row.short_id}`)!, row.id);
  await m.query(
    `INSERT INTO issue_hashes (project_id, issue_id, value)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::char(32)[])`,
    [firsts.map((e) => e.projectId), missing.map((k) => issueOf.get(k)!), firsts.map((e) => e.hash)],
  );
  result.newIssues += created.length;
}

/** Adds tag counts; returns, per issue, how many `user` values it had never seen (its distinct-user growth). */
async function upsertIssueTags(
  m: EntityManager,
  events: PreparedEvent[],
  issueOf: Map<string, string>,
): Promise<Map<string, number>> {
  const rows = new Map<
    string,
    { issue: string; key: string; value: string; count: number; first: Date; last: Date }
  >();
  for (const e of events) {
    const issue = issueOf.get(`${e.projectId}:${e.hash}`)!;
    for (const [key, value] of e.tags) {
      const id = `${issue}\u0000${key}\u0000${value}`;
      const row = rows.get(id);
      if (row) {
        row.count++;
        if (e.received < row.first) row.first = e.received;
        if (e.received > row.last) row.last = e.received;
      } else rows.set(id, { issue, key, value, count: 1, first: e.received, last: e.received });
    }
  }
  const deltas = new Map<string, number>();
  if (rows.size === 0) return deltas;
  const list = [...rows.values()].sort((a, b) =>
    a.issue === b.issue
      ? a.key === b.key
        ? a.value < b.value
          ? -1
          : 1
        : a.key < b.key
          ? -1
          : 1
      : Number(a.issue) - Number(b.issue),
  );
  const upserted: Array<{ issue_id: string; key: string; inserted: boolean }> = await m.query(
    `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
     SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
     ON CONFLICT (issue_id, key, value) DO UPDATE SET
       count = issue_tags.count + EXCLUDED.count,
       first_seen = LEAST(issue_tags.first_seen, EXCLUDED.first_seen),
       last_seen = GREATEST(issue_tags.last_seen, EXCLUDED.last_seen)
     RETURNING issue_id, key, (xmax = 0) AS inserted`,
    [
      list.map((r) => r.issue),
      list.map((r) => r.key.slice(0, 200)),
      list.map((r) => r.value.slice(0, 200)),
      list.map((r) => r.count),
      list.map((r) => r.first.toISOString()),
      list.map((r) => r.last.toISOString()),
    ],
  );
  for (const row of upserted) {
    if (row.key === 'user' && row.inserted) deltas.set(row.issue_id, (deltas.get(row.issue_id) ?? 0) + 1);
  }
  return deltas;
}

/**
 * A resolved issue that gets an event reopens, unless it was resolved "in the next release" (or in a release):
 * then only an event of another release than the one current when it was resolved reopens it.
 */
const REGRESSED = `(locked.status = ${IssueStatus.Resolved} AND NOT (
  locked.status_details ?| array['inNextRelease', 'inRelease']
  AND (v.release IS NULL OR v.release IS NOT DISTINCT FROM locked.resolved_release)))`;

/** Count, users, first/last seen, latest level and release; a resolved issue that gets an event reopens. */
async function updateIssueAggregates(
  m: EntityManager,
  events: PreparedEvent[],
  issueOf: Map<string, string>,
  userCountDelta: Map<string, number>,
): Promise<string[]> {
  const perIssue = new Map<
    string,
    { count: number; first: PreparedEvent; last: PreparedEvent; release: string | null }
  >();
  for (const e of events) {
    const issue = issueOf.get(`${e.projectId}:${e.hash}`)!;
    const agg = perIssue.get(issue);
    if (!agg) perIssue.set(issue, { count: 1, first: e, last: e, release: e.release });
    else {
      agg.count++;
      if (e.received < agg.first.received) agg.first = e;
      if (e.received >= agg.last.received) agg.last = e;
      if (e.release) agg.release = e.release;
    }
  }
  const ids = [...perIssue.keys()].sort((a, b) => Number(a) - Number(b));
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
        ids,
        ids.map((id) => perIssue.get(id)!.count),
        ids.map((id) => userCountDelta.get(id) ?? 0),
        ids.map((id) => perIssue.get(id)!.first.received.toISOString()),
        ids.map((id) => perIssue.get(id)!.last.received.toISOString()),
        ids.map((id) => perIssue.get(id)!.last.level),
        ids.map((id) => perIssue.get(id)!.release),
      ],
    ),
  );
  return rows.filter((r) => r.regressed).map((r) => r.id);
}

async function upsertHourlyCounts(
  m: EntityManager,
  events: PreparedEvent[],
  issueOf: Map<string, string>,
): Promise<void> {
  const counts = new Map<string, number>();
  for (const e of events) {
    const hour = Math.floor(e.received.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${issueOf.get(`${e.projectId}:${e.hash}`)}:${hour}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const entries = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  await m.query(
    `INSERT INTO issue_hourly_counts (issue_id, hour, count)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::int[])
     ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hourly_counts.count + EXCLUDED.count`,
    [
      entries.map(([k]) => k.split(':')[0]),
      entries.map(([k]) => new Date(Number(k.split(':')[1])).toISOString()),
      entries.map(([, n]) => n),
    ],
  );
}

async function upsertEnvironmentsAndReleases(
  m: EntityManager,
  events: PreparedEvent[],
  organizationOf: Map<number, string>,
): Promise<void> {
  for (const [column, table, link, linkColumn] of [
    ['environment', 'environments', 'environment_projects', 'environment_id'],
    ['release', 'releases', 'release_projects', 'release_id'],
  ] as const) {
    const pairs = new Map<string, { projectId: number; organizationId: string; name: string }>();
    for (const e of events) {
      const name = e[column];
      if (name)
        pairs.set(`${e.projectId}\u0000${name}`, {
          projectId: e.projectId,
          organizationId: organizationOf.get(e.projectId)!,
          name,
        });
    }
    if (pairs.size === 0) continue;
    const list = [...pairs.values()].sort((a, b) =>
      a.organizationId + a.name < b.organizationId + b.name ? -1 : 1,
    );
    const nameColumn = column === 'environment' ? 'name' : 'version';
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
}
