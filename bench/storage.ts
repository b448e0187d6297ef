import { Client } from 'pg';
import { EVENT_COLUMNS } from '@app/events';
import { ensureDailyPartition } from '@app/partitioning';

/** The tables the ingest pipeline writes, for bytes per event. */
const INGEST_TABLES = ['issues', 'issue_hashes', 'issue_tags', 'issue_hourly_counts'];

export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'glitchtip-bench' });
  client.on('error', () => undefined); // a dropped connection fails the pending query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function countEvents(c: Client, projectId?: string): Promise<number> {
  const r = projectId
    ? await c.query('SELECT count(*)::int AS n FROM events WHERE project_id = $1', [projectId])
    : await c.query('SELECT count(*)::int AS n FROM events');
  return r.rows[0].n as number;
}

export interface StorageFigures {
  events: number;
  issues: number;
  /** All tables the ingest writes (events partitions, issues, hashes, tag and hourly aggregates) / events. */
  bytesPerEvent: number;
  /** The events partitions alone (heap, TOAST, indexes) / events. */
  eventTableBytesPerEvent: number;
  /** Mean size of the stored `data` jsonb (after TOAST compression). */
  dataColumnBytesPerEvent: number;
}

export async function storageFigures(c: Client): Promise<StorageFigures> {
  await c.query('CHECKPOINT').catch(() => undefined);
  const events = (
    await c.query(`SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint AS bytes
                     FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events'`)
  ).rows[0].bytes as string;
  const others = (
    await c.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
        WHERE c.relname = ANY($1) AND c.relkind = 'r'`,
      [INGEST_TABLES],
    )
  ).rows[0].bytes as string;
  const counts = (
    await c.query(`SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM issues)::int AS issues,
                          (SELECT coalesce(avg(pg_column_size(data)), 0) FROM events)::float AS data`)
  ).rows[0] as { events: number; issues: number; data: number };
  const n = Math.max(1, counts.events);
  return {
    events: counts.events,
    issues: counts.issues,
    bytesPerEvent: Math.round((Number(events) + Number(others)) / n),
    eventTableBytesPerEvent: Math.round(Number(events) / n),
    dataColumnBytesPerEvent: Math.round(counts.data),
  };
}

/**
 * The storage ceiling: the stored event rows written again, straight into a copy of the events table (same
 * columns, same indexes, TOAST compression of `data` included), `batchSize` rows per INSERT statement and
 * transaction, on `connections` connections at once. The scalar columns travel as arrays (unnest), the jsonb
 * ones as one JSON array text each (json_array_elements), which avoids array-literal escaping of large
 * strings on both sides. No normalization, no grouping, no issue aggregates: the rate PostgreSQL itself takes
 * these rows at on this machine.
 */
export async function storageCeiling(
  url: string,
  opts: { maxRows: number; batchSize: number; connections: number },
): Promise<{ rows: number; seconds: number; rowsPerSec: number; batchSize: number; connections: number }> {
  const rows = await withClient(url, async (c) => {
    await c.query('DROP TABLE IF EXISTS bench_storage_ceiling');
    await c.query('CREATE TABLE bench_storage_ceiling (LIKE events INCLUDING ALL)');
    return (
      await c.query(
        `SELECT event_id::text, received, project_id, issue_id, timestamp, type, level, title, culprit, platform,
                environment, release, user_key, hash, tags::text AS tags, data::text AS data
           FROM events ORDER BY received LIMIT $1`,
        [opts.maxRows],
      )
    ).rows;
  });
  const batches: unknown[][] = [];
  for (let i = 0; i < rows.length; i += opts.batchSize) {
    const slice = rows.slice(i, i + opts.batchSize);
    batches.push([
      slice.map((r) => r.event_id),
      slice.map((r) => (r.received as Date).toISOString()),
      slice.map((r) => r.project_id),
      slice.map((r) => r.issue_id),
      slice.map((r) => (r.timestamp as Date).toISOString()),
      slice.map((r) => r.type),
      slice.map((r) => r.level),
      slice.map((r) => r.title),
      slice.map((r) => r.culprit),
      slice.map((r) => r.platform),
      slice.map((r) => r.environment),
      slice.map((r) => r.release),
      slice.map((r) => r.user_key),
      slice.map((r) => r.hash),
      `[${slice.map((r) => r.tags as string).join(',')}]`,
      `[${slice.map((r) => r.data as string).join(',')}]`,
    ]);
  }
  const clients = await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      const c = new Client({ connectionString: url, application_name: 'glitchtip-bench' });
      c.on('error', () => undefined); // surfaced by the failing query instead
      await c.connect();
      return c;
    }),
  );
  let next = 0;
  const started = performance.now();
  const loading = Promise.all(
    clients.map(async (c) => {
      for (let b = next++; b < batches.length; b = next++) {
        await c.query(
          `INSERT INTO bench_storage_ceiling (${EVENT_COLUMNS})
           SELECT u.e, u.r, u.p, u.i, u.t, u.ty, u.l, u.ti, u.cu, u.pl, u.en, u.re, u.us, u.h, tg.v::jsonb, d.v::jsonb
             FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::timestamptz[],
                         $6::smallint[], $7::smallint[], $8::varchar[], $9::varchar[], $10::varchar[],
                         $11::varchar[], $12::varchar[], $13::varchar[], $14::char(32)[])
                  WITH ORDINALITY AS u(e, r, p, i, t, ty, l, ti, cu, pl, en, re, us, h, n)
             JOIN json_array_elements($15::json) WITH ORDINALITY AS tg(v, n) ON tg.n = u.n
             JOIN json_array_elements($16::json) WITH ORDINALITY AS d(v, n) ON d.n = u.n`,
          batches[b],
        );
      }
    }),
  );
  let seconds: number;
  try {
    await loading;
    seconds = (performance.now() - started) / 1000;
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
  await withClient(url, (c) => c.query('DROP TABLE bench_storage_ceiling'));
  return {
    rows: rows.length,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSec: Math.round(rows.length / Math.max(seconds, 1e-6)),
    batchSize: opts.batchSize,
    connections: opts.connections,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The issue-list dataset: 1,000,000 events / 50,000 issues in one project, generated in SQL.

export interface DatasetOptions {
  projectId: string;
  events: number;
  issues: number;
  days: number;
  /** A real stored event's `data`, reused as the body of every generated event (realistic row size). */
  sampleData: string | null;
  log: (message: string) => void;
}

/**
 * Fills a project with `issues` issues and `events` events spread over `days` days, with the aggregates the
 * worker maintains (counts, first/last seen, user counts, tags, hourly counts), then VACUUM ANALYZEs.
 * Event → issue assignment is skewed (a few issues hold most events, every issue has at least one);
 * 70% of issues unresolved, 20% resolved, 10% ignored; levels mostly error.
 */
export async function seedIssueListDataset(c: Client, o: DatasetOptions): Promise<{ seconds: number }> {
  const started = performance.now();
  const now = Date.now();
  for (let d = -o.days; d <= 1; d++) await ensureDailyPartition(c, 'events', new Date(now + d * 86_400_000));
  o.log(`  issues (${o.issues})`);
  await c.query(
    `INSERT INTO issues (project_id, short_id, title, culprit, type, level, status, metadata, platform, count,
                         user_count, first_seen, last_seen, first_release, last_release, search_text)
     SELECT $1, g, x.title, x.culprit, 1,
            CASE WHEN g % 10 = 0 THEN 3 WHEN g % 29 = 0 THEN 5 ELSE 4 END,
            CASE WHEN g % 10 < 7 THEN 0 WHEN g % 10 < 9 THEN 1 ELSE 2 END,
            jsonb_build_object('type', x.type, 'value', x.value, 'filename', x.file, 'function', x.fn),
            'node', 0, 0, now(), now(), 'myapp@2.0', 'myapp@2.0', lower(x.title || ' ' || x.culprit)
       FROM generate_series(1, $2::int) g,
            LATERAL (SELECT (ARRAY['TypeError','RangeError','Error','SyntaxError','ZeroDivisionError',
                                   'KeyError','ValueError','ReferenceError'])[1 + g % 8] AS type,
                            'failed to process item ' || md5(g::text) AS value,
                            'src/module' || (g % 700) || '.js' AS file,
                            'handler' || (g % 97) AS fn) y,
            LATERAL (SELECT y.type || ': ' || y.value AS title, y.file || ' in ' || y.fn AS culprit,
                            y.type, y.value, y.file, y.fn) x`,
    [o.projectId, o.issues],
  );
  await c.query('UPDATE projects SET issue_counter = issue_counter + $2 WHERE id = $1', [
    o.projectId,
    o.issues,
  ]);
  await c.query(
    `INSERT INTO issue_hashes (project_id, issue_id, value) SELECT project_id, id, md5('bench' || id) FROM issues
      WHERE project_id = $1`,
    [o.projectId],
  );
  o.log(`  events (${o.events}, ${o.sampleData ? `${o.sampleData.length} B sample body` : 'small body'})`);
  const sample = o.sampleData ?? JSON.stringify({ platform: 'node', level: 'error', sdk: { name: 'bench' } });
  // In chunks, so that progress shows and no single statement holds everything.
  const chunk = 100_000;
  for (let offset = 0; offset < o.events; offset += chunk) {
    const size = Math.min(chunk, o.events - offset);
    await c.query(
      `INSERT INTO events (${EVENT_COLUMNS})
       SELECT gen_random_uuid(), x.r, $1, i.id, x.r, 1, i.level, i.title, i.culprit, 'node', x.env, x.rel,
              'u' || (x.g % 20000), h.value,
              jsonb_build_object('environment', x.env, 'release', x.rel, 'level', 'error'),
              $6::jsonb
         FROM (SELECT g,
                      CASE WHEN g <= $4::int THEN g ELSE 1 + floor($4::int * power(random(), 3))::int END AS n,
                      now() - random() * make_interval(days => $5::int) AS r,
                      (ARRAY['production','production','production','staging'])[1 + g % 4] AS env,
                      'myapp@2.' || (g % 5) AS rel
                 FROM generate_series($2::int, $3::int) g) x
         JOIN issues i ON i.project_id = $1 AND i.short_id = x.n
         JOIN issue_hashes h ON h.issue_id = i.id`,
      [o.projectId, offset + 1, offset + size, o.issues, o.days, sample],
    );
    o.log(`    ${offset + size} events`);
  }
  o.log('  aggregates (counts, users, first/last seen, tags, hourly counts)');
  await c.query(
    `UPDATE issues i SET count = a.n, user_count = a.u, first_seen = a.f, last_seen = a.l
       FROM (SELECT issue_id, count(*) AS n, count(DISTINCT user_key) AS u, min(received) AS f, max(received) AS l
               FROM events WHERE project_id = $1 GROUP BY issue_id) a
      WHERE i.id = a.issue_id`,
    [o.projectId],
  );
  for (const column of ['environment', 'release']) {
    await c.query(
      `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
       SELECT issue_id, '${column}', ${column}, count(*), min(received), max(received)
         FROM events WHERE project_id = $1 GROUP BY issue_id, ${column}`,
      [o.projectId],
    );
  }
  await c.query(
    `INSERT INTO issue_hourly_counts (issue_id, hour, count)
     SELECT issue_id, date_trunc('hour', received), count(*) FROM events WHERE project_id = $1 GROUP BY 1, 2`,
    [o.projectId],
  );
  o.log('  VACUUM ANALYZE');
  await c.query('VACUUM ANALYZE');
  return { seconds: (performance.now() - started) / 1000 };
}
