import { DataSource } from 'typeorm';
import { dropExpiredPartitions, ensurePartitions } from '@app/partitioning';
import {
  createEvent,
  createIssue,
  createOrganization,
  createProject,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
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
    const organization = await createOrganization(sql);
    const project = await createProject(sql, organization.id);
    const march = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
    const old = await createIssue(sql, project, {
      title: 'old',
      firstSeen: march('09', '10:00'),
      lastSeen: march('09', '10:00'),
    });
    const recent = await createIssue(sql, project, {
      title: 'new',
      firstSeen: march('09', '10:00'),
      lastSeen: march('11', '10:00'),
    });
    const skewed = await createIssue(sql, project, {
      title: 'old but an event left',
      firstSeen: march('09', '10:00'),
      lastSeen: march('09', '10:00'),
    });
    await createEvent(sql, project, old, march('09', '10:00'));
    await createEvent(sql, project, recent, march('09', '11:00'));
    await createEvent(sql, project, recent, march('11', '10:00'));
    // Received later than its issue's last_seen says (a clock-skewed SDK): the issue must not go while it has it.
    await createEvent(sql, project, skewed, march('11', '09:00'));

    // Two days of retention on 2026-03-12: the 09 partition (ends 03-10) is older than the 03-10 cutoff.
    const later = new Date('2026-03-12T01:00:00Z');
    expect(await dropExpiredPartitions(sql, 2, later)).toEqual(['events_p20260309']);
    expect(await issues.deleteIssuesWithoutEvents(2, later)).toBe(1);
    const left: Array<{ title: string }> = await sql.query(`SELECT title FROM issues ORDER BY id`);
    expect(left.map((r) => r.title)).toEqual(['new', 'old but an event left']);
  });
});
