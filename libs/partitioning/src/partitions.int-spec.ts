import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@app/testing';
import { dropExpiredPartitions, ensurePartitions, listDailyPartitions } from './partitions.repository';

describe('daily partitions (PostgreSQL)', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('creates partitions ahead, routes rows to them and drops expired ones', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await ensurePartitions(client, now, 3);
    await ensurePartitions(client, now, 3); // idempotent
    const names = (await listDailyPartitions(client, 'events')).map((p) => p.name);
    expect(names).toEqual([
      'events_p20260309',
      'events_p20260310',
      'events_p20260311',
      'events_p20260312',
      'events_p20260313',
    ]);

    await client.query(`INSERT INTO organizations (name, slug) VALUES ('o', 'o')`);
    await client.query(`INSERT INTO projects (organization_id, name, slug) VALUES (1, 'p', 'p')`);
    await client.query(
      `INSERT INTO issues (project_id, short_id, title, first_seen, last_seen) VALUES
        (1, 1, 'old', '2026-03-09T10:00:00Z', '2026-03-09T10:00:00Z'),
        (1, 2, 'new', '2026-03-09T10:00:00Z', '2026-03-11T10:00:00Z')`,
    );
    const insertEvent = (issue: number, received: string) =>
      client.query(
        `INSERT INTO events (event_id, received, project_id, issue_id, timestamp, type, level, title, hash, data)
         VALUES (gen_random_uuid(), $1, 1, $2, $1, 1, 4, 't', repeat('a', 32), '{}')`,
        [received, issue],
      );
    await insertEvent(1, '2026-03-09T10:00:00Z');
    await insertEvent(2, '2026-03-09T11:00:00Z');
    await insertEvent(2, '2026-03-11T10:00:00Z');
    const { rows } = await client.query(
      `SELECT tableoid::regclass::text AS part FROM events ORDER BY received`,
    );
    expect(rows.map((r) => r.part)).toEqual(['events_p20260309', 'events_p20260309', 'events_p20260311']);

    // Two days of retention on 2026-03-12: the 09 partition (ends 03-10) is older than the 03-10 cutoff.
    const later = new Date('2026-03-12T01:00:00Z');
    expect(await dropExpiredPartitions(client, 2, later)).toEqual(['events_p20260309']);
    const left = await client.query(`SELECT tableoid::regclass::text AS part FROM events ORDER BY received`);
    expect(left.rows.map((r) => r.part)).toEqual(['events_p20260311']);
  });
});
