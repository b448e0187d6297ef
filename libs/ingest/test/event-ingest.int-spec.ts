import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule, DatabaseModule, loadConfig, RedisModule } from '@app/core';
import { IngestJobData } from '../src/jobs';
import { ensurePartitions } from '@app/partitioning';
import { createTestDatabase, TestDatabase } from '@app/testing';
import { EventIngestService } from '../src/process/event-ingest.service';
import { IngestModule } from '../src/ingest.module';

function job(projectId: number, n: number, payload: Record<string, unknown> | string): IngestJobData {
  return {
    projectId,
    eventId: n.toString(16).padStart(32, '0'),
    receivedAt: Date.now(),
    kind: 'event',
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  };
}

describe('EventIngestService (PostgreSQL)', () => {
  let db: TestDatabase;
  let service: EventIngestService;
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(loadConfig({ DATABASE_URL: db.url })),
        DatabaseModule.forRoot(),
        // In-process (no REDIS_URL): the shared store that project-key cache invalidation publishes on.
        RedisModule,
        IngestModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    service = app.get(EventIngestService);
    dataSource = app.get(DataSource);
    close = () => app.close();
    await ensurePartitions(dataSource);
    await dataSource.query(`INSERT INTO organizations (name, slug) VALUES ('o', 'o')`);
    await dataSource.query(
      `INSERT INTO projects (organization_id, name, slug) VALUES (1, 'p', 'p'), (1, 'q', 'q')`,
    );
  });
  afterAll(async () => {
    await close();
    await db.drop();
  });

  it('stores a batch in one go: issues with short ids per project, counts, tags, distinct users', async () => {
    const outcome = await service.processBatch([
      job(1, 1, { message: 'Quota exceeded for account 1001', user: { id: 'a' }, tags: { region: 'eu' } }),
      job(1, 2, { message: 'Quota exceeded for account 1002', user: { id: 'b' }, tags: { region: 'us' } }),
      job(1, 3, { message: 'Quota exceeded for account 2003', user: { id: 'a' } }),
      job(2, 4, { message: 'Quota exceeded for account 1001' }),
      job(1, 5, { exception: { values: [{ type: 'KeyError', value: "'x'" }] } }),
    ]);
    expect(outcome).toMatchObject({ inserted: 5, newIssues: 3, duplicates: 0, failed: 0 });
    const issues = await dataSource.query(
      `SELECT project_id, short_id, title, count, user_count FROM issues ORDER BY project_id, short_id`,
    );
    expect(issues).toEqual([
      { project_id: '1', short_id: 1, title: 'Quota exceeded for account 1001', count: '3', user_count: 2 },
      { project_id: '1', short_id: 2, title: "KeyError: 'x'", count: '1', user_count: 0 },
      { project_id: '2', short_id: 1, title: 'Quota exceeded for account 1001', count: '1', user_count: 0 },
    ]);
    const tags = await dataSource.query(
      `SELECT value, count FROM issue_tags WHERE issue_id = 1 AND key = 'region' ORDER BY value`,
    );
    expect(tags).toEqual([
      { value: 'eu', count: '1' },
      { value: 'us', count: '1' },
    ]);
  });

  it('stores a resent event id once, whether in the same batch or a later one', async () => {
    const outcome = await service.processBatch([
      job(1, 1, { message: 'Quota exceeded for account 1001' }),
      job(1, 6, { message: 'Quota exceeded for account 9' }),
      job(1, 6, { message: 'Quota exceeded for account 9' }),
    ]);
    expect(outcome).toMatchObject({ inserted: 1, duplicates: 2 });
    const [{ count }] = await dataSource.query(
      `SELECT count FROM issues WHERE project_id = 1 AND short_id = 1`,
    );
    expect(count).toBe('4');
  });

  it('isolates a poison event, records it, and stores the rest of the batch', async () => {
    const outcome = await service.processBatch([
      job(1, 7, { message: 'Good event one' }),
      job(1, 8, 'not json at all'),
      job(1, 9, { message: 'Good event two' }),
    ]);
    expect(outcome).toMatchObject({ inserted: 2, failed: 1 });
    const failures = await dataSource.query(`SELECT event_id, payload FROM event_processing_failures`);
    expect(failures).toEqual([
      { event_id: '00000000-0000-0000-0000-000000000008', payload: 'not json at all' },
    ]);
  });

  it('survives strings PostgreSQL would reject inside jsonb', async () => {
    const outcome = await service.processBatch([
      job(1, 10, '{"message": "lone surrogate \\ud800 here", "extra": {"k": "nul \\u0000 byte"}}'),
      job(1, 11, { message: 'Neighbour of a bad event' }),
    ]);
    expect(outcome).toMatchObject({ inserted: 2, failed: 0 });
  });

  it('drops events of a project deleted after they were accepted', async () => {
    const outcome = await service.processBatch([job(999, 12, { message: 'orphan' })]);
    expect(outcome).toMatchObject({ inserted: 0, orphaned: 1, failed: 0 });
  });

  it('links a user report that arrived before its event to the issue once the event is stored', async () => {
    const early = job(1, 900, { comments: 'it broke', name: 'n', email: 'e@example.com' });
    expect(await service.processBatch([{ ...early, kind: 'user_report' }])).toMatchObject({ userReports: 1 });
    await service.processBatch([job(1, 900, { message: 'Reported failure' })]);
    const [row] = await dataSource.query(
      `SELECT r.issue_id, e.issue_id AS event_issue_id FROM user_reports r
         JOIN events e ON e.event_id = r.event_id AND e.project_id = r.project_id
        WHERE r.event_id = $1`,
      [early.eventId],
    );
    expect(row.issue_id).not.toBeNull();
    expect(row.issue_id).toBe(row.event_issue_id);
  });
});
