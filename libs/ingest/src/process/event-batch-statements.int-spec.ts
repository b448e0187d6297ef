import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ensurePartitions } from '@app/partitioning';
import { createOrganization, createProject, DomainTestApp, startDomainApp } from '@app/testing';
import { IngestModule } from '../ingest.module';
import { IngestJobData } from '../jobs';
import { EventIngestService } from './event-ingest.service';

/** The first words of a statement, enough to tell which one it is. */
function headOf(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().split(' ').slice(0, 3).join(' ');
}

describe('ingest statements per batch (PostgreSQL)', () => {
  let t: DomainTestApp;
  let service: EventIngestService;
  let projects: number[];
  let next = 1;

  function job(projectId: number, message: string): IngestJobData {
    return {
      projectId,
      eventId: (next++).toString(16).padStart(32, '0'),
      receivedAt: Date.now(),
      kind: 'event',
      payload: JSON.stringify({
        message,
        environment: 'production',
        release: 'app@1.0.0',
        user: { id: `u${next % 3}` },
        tags: { region: 'eu' },
      }),
    };
  }

  /** Every statement the batch sends, BEGIN and COMMIT included. */
  async function statementsOf(batch: IngestJobData[]): Promise<string[]> {
    const sent: string[] = [];
    const query = PostgresQueryRunner.prototype.query;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (
      this: PostgresQueryRunner,
      sql: string,
      ...rest: any[]
    ) {
      sent.push(headOf(sql));
      return (query as (...args: any[]) => Promise<any>).call(this, sql, ...rest);
    });
    try {
      await service.processBatch(batch);
    } finally {
      spy.mockRestore();
    }
    return sent;
  }

  beforeAll(async () => {
    t = await startDomainApp([IngestModule]);
    const dataSource = t.app.get(DataSource);
    await ensurePartitions(dataSource);
    const org = await createOrganization(dataSource, { slug: 'stmts' });
    projects = [];
    for (const slug of ['a', 'b']) projects.push(Number(await createProject(dataSource, org.id, { slug })));
    service = t.app.get(EventIngestService);
  });
  afterAll(() => t.close());

  it('a batch with new issues in two projects: a fixed number of statements, whatever its size', async () => {
    const batch = [];
    for (let i = 0; i < 40; i++) batch.push(job(projects[i % 2]!, `Failure number ${i % 5}`));
    expect(await statementsOf(batch)).toEqual([
      "SELECT replace(event_id::text, '-',",
      'SELECT id, organization_id',
      'SELECT h.project_id, h.value,',
      'START TRANSACTION',
      'SELECT pg_advisory_xact_lock(hashtextextended(k, 7))',
      'SELECT h.project_id, h.value,',
      'UPDATE projects SET',
      'UPDATE projects SET',
      'INSERT INTO issues',
      'INSERT INTO issue_hashes',
      'COMMIT',
      'START TRANSACTION',
      'INSERT INTO events',
      'INSERT INTO issue_tags',
      'WITH locked AS',
      // The hourly counts, and the issue of user reports that arrived before their event.
      'WITH linked AS',
      'INSERT INTO environments',
      'INSERT INTO environment_projects',
      'INSERT INTO releases',
      'INSERT INTO release_projects',
      'UPDATE projects SET',
      'COMMIT',
    ]);
  });

  it('a batch of known issues skips the issue-creation transaction', async () => {
    const batch = [];
    for (let i = 0; i < 40; i++) batch.push(job(projects[i % 2]!, `Failure number ${i % 5}`));
    expect(await statementsOf(batch)).toHaveLength(14);
  });
});
