import { DataSource } from 'typeorm';
import { ensurePartitions } from '@app/partitioning';
import { createOrganization, createProject, DomainTestApp, startDomainApp } from '@app/testing';
import { IngestModule } from '../ingest.module';
import { IngestJobData } from '../jobs';
import { EventIngestService } from '../process/event-ingest.service';
import { IngestOutcomesRepository } from './ingest-outcomes.repository';
import { OutcomeRecorder } from './outcome-recorder';

const HOUR = 3_600_000;

describe('ingest outcomes (PostgreSQL)', () => {
  let t: DomainTestApp;
  let dataSource: DataSource;
  let projectId: number;
  let otherProjectId: number;
  const at = Math.floor(Date.now() / HOUR) * HOUR + 60_000;

  function job(n: number, kind: IngestJobData['kind'], payload: unknown, project = projectId): IngestJobData {
    return {
      projectId: project,
      eventId: n.toString(16).padStart(32, '0'),
      receivedAt: at,
      kind,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    };
  }

  beforeAll(async () => {
    t = await startDomainApp([IngestModule]);
    dataSource = t.app.get(DataSource);
    await ensurePartitions(dataSource);
    const org = await createOrganization(dataSource);
    projectId = Number(await createProject(dataSource, org.id));
    otherProjectId = Number(await createProject(dataSource, org.id));
  });
  afterAll(() => t.close());

  it('counts what became of each item of a batch, per project, hour, type and outcome', async () => {
    const service = t.app.get(EventIngestService);
    const recorder = t.app.get(OutcomeRecorder);
    recorder.record(projectId, 'session', 'ignored', 'unsupported_type', 3, at);
    recorder.record(projectId, 'event', 'accepted', '', 5, at);
    await service.processBatch([
      job(1, 'event', { message: 'one' }),
      job(2, 'event', { message: 'two' }),
      job(2, 'event', { message: 'two' }),
      job(3, 'event', 'not json'),
      job(1, 'user_report', { comments: 'broke', name: 'n', email: 'e@example.com' }),
      job(4, 'event', { message: 'elsewhere' }, otherProjectId),
    ]);
    await service.processBatch([job(1, 'event', { message: 'one' })]);
    await recorder.flush();

    const outcomes = t.app.get(IngestOutcomesRepository);
    const rows = await outcomes.ofProject(projectId, new Date(at - HOUR), new Date(at + HOUR));
    expect(rows.map((r) => [r.itemType, r.outcome, r.reason, r.quantity])).toEqual([
      ['event', 'accepted', '', 5],
      ['event', 'duplicate', '', 2],
      ['event', 'failed', 'invalid', 1],
      ['event', 'stored', '', 2],
      ['session', 'ignored', 'unsupported_type', 3],
      ['user_report', 'stored', '', 1],
    ]);
    expect(rows.every((r) => r.hour.getTime() === Math.floor(at / HOUR) * HOUR)).toBe(true);
    const other = await outcomes.ofProject(otherProjectId, new Date(at - HOUR), new Date(at + HOUR));
    expect(other.map((r) => [r.itemType, r.outcome, r.quantity])).toEqual([['event', 'stored', 1]]);
    expect(await outcomes.ofProject(projectId, new Date(at + HOUR), new Date(at + 2 * HOUR))).toEqual([]);
  });

  it('adds to the counts of earlier flushes and drops counts of deleted projects', async () => {
    const recorder = t.app.get(OutcomeRecorder);
    recorder.record(projectId, 'session', 'ignored', 'unsupported_type', 2, at);
    recorder.record(999_999, 'session', 'ignored', 'unsupported_type', 2, at);
    await recorder.flush();
    const rows = await t.app
      .get(IngestOutcomesRepository)
      .ofProject(projectId, new Date(at - HOUR), new Date(at + HOUR));
    expect(rows.find((r) => r.itemType === 'session')?.quantity).toBe(5);
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM ingest_outcomes WHERE project_id = 999999`,
    );
    expect(n).toBe(0);
  });

  it('keeps counts the database refused and adds them at the next flush', async () => {
    const recorder = t.app.get(OutcomeRecorder);
    const repository = t.app.get(IngestOutcomesRepository);
    const add = jest.spyOn(repository, 'add').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    recorder.record(projectId, 'client_report', 'ignored', 'unsupported_type', 1, at);
    await recorder.flush();
    recorder.record(projectId, 'client_report', 'ignored', 'unsupported_type', 1, at);
    await recorder.flush();
    add.mockRestore();
    const rows = await repository.ofProject(projectId, new Date(at - HOUR), new Date(at + HOUR));
    expect(rows.find((r) => r.itemType === 'client_report')?.quantity).toBe(2);
  });
});
