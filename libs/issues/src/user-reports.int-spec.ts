import { DataSource } from 'typeorm';
import { ensurePartitions } from '@app/partitioning';
import { DomainTestApp, startDomainApp } from '@app/testing';
import { IssuesModule } from './issues.module';
import { UserReportsMaintenance } from './user-reports-maintenance.service';
import { UserReportsRepository } from './user-reports.repository';

const STORED = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const UNSTORED = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('user reports (PostgreSQL)', () => {
  let t: DomainTestApp;
  let client: DataSource;

  beforeAll(async () => {
    t = await startDomainApp([IssuesModule]);
    client = t.app.get(DataSource);
    await ensurePartitions(client);
    await client.query(`INSERT INTO organizations (name, slug) VALUES ('o', 'o')`);
    await client.query(`INSERT INTO projects (organization_id, name, slug) VALUES (1, 'p', 'p')`);
    await client.query(
      `INSERT INTO issues (project_id, short_id, title, first_seen, last_seen) VALUES (1, 1, 't', now(), now())`,
    );
    await client.query(
      `INSERT INTO events (event_id, received, project_id, issue_id, timestamp, type, level, title, hash, data)
       VALUES ($1, now(), 1, 1, now(), 1, 4, 't', repeat('a', 32), '{}')`,
      [STORED],
    );
  });
  afterAll(() => t.close());

  const report = (eventId: string, comments: string, projectId = 1, created = new Date()) => ({
    projectId,
    eventId,
    name: 'n',
    email: 'e@example.com',
    comments,
    created,
  });

  it('links reports to the issue of a stored event, ignores a second report and drops deleted projects', async () => {
    expect(
      await t.app
        .get(UserReportsRepository)
        .insertAtIngest([
          report(STORED, 'first'),
          report(STORED, 'second'),
          report(UNSTORED, 'early'),
          report(UNSTORED, 'gone project', 99),
        ]),
    ).toEqual(new Set([`1:${STORED}`, `1:${UNSTORED}`]));
    const rows: unknown[] = await client.query(
      `SELECT replace(event_id::text, '-', '') AS event_id, issue_id, comments FROM user_reports ORDER BY comments`,
    );
    expect(rows).toEqual([
      { event_id: UNSTORED, issue_id: null, comments: 'early' },
      { event_id: STORED, issue_id: '1', comments: 'first' },
    ]);
  });

  it('maintenance links reports whose event was stored meanwhile and deletes expired ones', async () => {
    await client.query(
      `INSERT INTO events (event_id, received, project_id, issue_id, timestamp, type, level, title, hash, data)
       VALUES ($1, now(), 1, 1, now(), 1, 4, 't', repeat('a', 32), '{}')`,
      [UNSTORED],
    );
    const old = 'cccccccccccccccccccccccccccccccc';
    await t.app
      .get(UserReportsRepository)
      .insertAtIngest([report(old, 'ancient', 1, new Date(Date.now() - 100 * 86_400_000))]);
    expect(await t.app.get(UserReportsMaintenance).run(90)).toEqual({ linked: 1, deleted: 1 });
    const rows: unknown[] = await client.query(`SELECT issue_id FROM user_reports ORDER BY id`);
    expect(rows).toEqual([{ issue_id: '1' }, { issue_id: '1' }]);
  });
});
