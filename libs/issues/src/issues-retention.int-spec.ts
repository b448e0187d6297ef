import { DataSource } from 'typeorm';
import { dropExpiredPartitions, ensurePartitions } from '@app/partitioning';
import { DomainTestApp, startDomainApp } from '@app/testing';
import { IssuesModule } from './issues.module';
import { IssuesService } from './issues.service';

describe('retention of issues (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let issues: IssuesService;

  beforeAll(async () => {
    t = await startDomainApp([IssuesModule]);
    sql = t.app.get(DataSource);
    issues = t.app.get(IssuesService);
  });
  afterAll(() => t.close());

  it('deletes the issues whose events all expired, keeps those with events or seen since', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await ensurePartitions(sql, now, 3);
    await sql.query(`INSERT INTO organizations (name, slug) VALUES ('o', 'o')`);
    await sql.query(`INSERT INTO projects (organization_id, name, slug) VALUES (1, 'p', 'p')`);
    await sql.query(
      `INSERT INTO issues (project_id, short_id, title, first_seen, last_seen) VALUES
        (1, 1, 'old', '2026-03-09T10:00:00Z', '2026-03-09T10:00:00Z'),
        (1, 2, 'new', '2026-03-09T10:00:00Z', '2026-03-11T10:00:00Z'),
        (1, 3, 'old but an event left', '2026-03-09T10:00:00Z', '2026-03-09T10:00:00Z')`,
    );
    const insertEvent = (issue: number, received: string) =>
      sql.query(
        `INSERT INTO events (event_id, received, project_id, issue_id, timestamp, type, level, title, hash, data)
         VALUES (gen_random_uuid(), $1, 1, $2, $1, 1, 4, 't', repeat('a', 32), '{}')`,
        [received, issue],
      );
    await insertEvent(1, '2026-03-09T10:00:00Z');
    await insertEvent(2, '2026-03-09T11:00:00Z');
    await insertEvent(2, '2026-03-11T10:00:00Z');
    // Received later than its issue's last_seen says (a clock-skewed SDK): the issue must not go while it has it.
    await insertEvent(3, '2026-03-11T09:00:00Z');

    // Two days of retention on 2026-03-12: the 09 partition (ends 03-10) is older than the 03-10 cutoff.
    const later = new Date('2026-03-12T01:00:00Z');
    expect(await dropExpiredPartitions(sql, 2, later)).toEqual(['events_p20260309']);
    expect(await issues.deleteIssuesWithoutEvents(2, later)).toBe(1);
    const left: Array<{ title: string }> = await sql.query(`SELECT title FROM issues ORDER BY id`);
    expect(left.map((r) => r.title)).toEqual(['new', 'old but an event left']);
  });
});
