import { Injectable, Logger } from '@nestjs/common';
import { isTransientDatabaseError } from '@app/core';
import { NewUserReport, UserReportsRepository } from '@app/issues';
import { PartitionsRepository } from '@app/partitioning';
import { IngestJobData } from '../jobs';
import { userReportFromFeedback, userReportFromItem } from '../normalize';
import { OutcomeRecorder } from '../outcomes/outcome-recorder';
import { BatchWriteResult, emptyWriteResult, EventBatchWriter } from './event-batch-writer';
import { ProcessingFailuresRepository } from './processing-failures.repository';
import { PreparedEvent, prepareEvent } from './prepare-event';

function isMissingPartition(error: unknown): boolean {
  return /no partition of relation/i.test((error as Error)?.message ?? '');
}

/** Events prepared between two yields to the event loop. */
const PREPARE_SLICE = 16;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface BatchOutcome extends BatchWriteResult {
  failed: number;
  /** User reports stored (a resent report, or one about an event that has one already, is not). */
  userReports: number;
}

/** An item that could not be processed: its payload was not an item of its kind, or storing it failed. */
interface Failure {
  job: IngestJobData;
  error: unknown;
  stage: 'prepare' | 'write';
}

function parseObject(payload: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(payload);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('payload is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** What one job becomes: an event to store, a user report, or both (feedback that answers no error). */
function prepareJob(job: IngestJobData): { event: PreparedEvent | null; report: NewUserReport | null } {
  if (job.kind === 'event' || job.kind === 'csp') return { event: prepareEvent(job), report: null };
  const payload = parseObject(job.payload);
  const base = { projectId: job.projectId, created: new Date(job.receivedAt) };
  if (job.kind === 'user_report') {
    return { event: null, report: { ...base, ...userReportFromItem(payload, job.eventId) } };
  }
  const { report, standaloneEvent } = userReportFromFeedback(payload, job.eventId);
  const event = standaloneEvent
    ? prepareEvent({ ...job, kind: 'event', payload: JSON.stringify(standaloneEvent) })
    : null;
  return { event, report: { ...base, ...report } };
}

/**
 * Turns queued events into stored events and issues, a batch at a time: new issues in a short transaction of their
 * own, then the batch's events and aggregates in one transaction (see `EventBatchWriter`).
 */
@Injectable()
export class EventIngestService {
  private readonly logger = new Logger(EventIngestService.name);

  constructor(
    private readonly writer: EventBatchWriter,
    private readonly userReports: UserReportsRepository,
    private readonly partitions: PartitionsRepository,
    private readonly failures: ProcessingFailuresRepository,
    private readonly outcomes: OutcomeRecorder,
  ) {}

  async processBatch(jobs: IngestJobData[]): Promise<BatchOutcome> {
    const prepared: PreparedEvent[] = [];
    const reports: Array<{ job: IngestJobData; report: NewUserReport }> = [];
    const failures: Failure[] = [];
    for (let i = 0; i < jobs.length; i++) {
      // Preparing is pure CPU (~0.2-0.4 ms an event): yield now and then, so that the batch being written
      // meanwhile gets its next statement sent as soon as PostgreSQL answers, instead of after this whole batch.
      if (i > 0 && i % PREPARE_SLICE === 0) await yieldToEventLoop();
      const job = jobs[i]!;
      try {
        const { event, report } = prepareJob(job);
        if (event) prepared.push(event);
        if (report) reports.push({ job, report });
      } catch (error) {
        failures.push({ job, error, stage: 'prepare' });
      }
    }
    let outcome: BatchOutcome;
    try {
      outcome = { ...(await this.write(prepared)), failed: 0, userReports: 0 };
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      this.logger.warn(`batch of ${prepared.length} failed (${(error as Error).message}); isolating events`);
      outcome = { ...emptyWriteResult(), failed: 0, userReports: 0 };
      for (const event of prepared) {
        try {
          const one = await this.write([event]);
          outcome.inserted += one.inserted;
          outcome.duplicates += one.duplicates;
          outcome.newIssues += one.newIssues;
          outcome.orphaned += one.orphaned;
          outcome.regressedIssueIds.push(...one.regressedIssueIds);
          outcome.outcomes.push(...one.outcomes);
        } catch (eventError) {
          if (isTransientDatabaseError(eventError)) throw eventError;
          failures.push({
            job: jobs.find(
              (j) =>
                j.eventId === event.eventId && j.projectId === event.projectId && j.kind !== 'user_report',
            )!,
            error: eventError,
            stage: 'write',
          });
        }
      }
    }
    // After the events: a report about an event of this batch is linked to its issue as it is stored.
    const storedReports = await this.writeUserReports(reports, failures);
    outcome.userReports = storedReports.size;
    if (failures.length) await this.recordFailures(failures);
    outcome.failed = failures.length;
    this.account(outcome, reports, storedReports, failures);
    return outcome;
  }

  /** The account stage: what became of each item of a processed batch, per project and item type. */
  private account(
    outcome: BatchOutcome,
    reports: Array<{ job: IngestJobData; report: NewUserReport }>,
    storedReports: Set<string>,
    failures: Failure[],
  ): void {
    for (const { event, outcome: what } of outcome.outcomes) {
      // Events of deleted projects are not counted: their project's statistics are gone with it.
      if (what !== 'orphaned')
        this.outcomes.record(event.projectId, event.itemType, what, '', 1, event.received.getTime());
    }
    const failed = new Set(failures.map((f) => f.job));
    for (const { job, report } of reports) {
      if (failed.has(job)) continue;
      const stored = storedReports.has(`${report.projectId}:${report.eventId}`);
      this.outcomes.record(job.projectId, job.kind, stored ? 'stored' : 'duplicate', '', 1, job.receivedAt);
    }
    for (const { job, stage } of failures) {
      this.outcomes.record(
        job.projectId,
        job.kind,
        'failed',
        stage === 'prepare' ? 'invalid' : 'write_error',
        1,
        job.receivedAt,
      );
    }
  }

  /** Stores the reports; answers the `projectId:eventId` of those stored (not resends, not of deleted projects). */
  private async writeUserReports(
    reports: Array<{ job: IngestJobData; report: NewUserReport }>,
    failures: Failure[],
  ): Promise<Set<string>> {
    if (reports.length === 0) return new Set();
    try {
      return await this.userReports.insertAtIngest(reports.map((r) => r.report));
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      const saved = new Set<string>();
      for (const { job, report } of reports) {
        try {
          for (const key of await this.userReports.insertAtIngest([report])) saved.add(key);
        } catch (reportError) {
          if (isTransientDatabaseError(reportError)) throw reportError;
          failures.push({ job, error: reportError, stage: 'write' });
        }
      }
      return saved;
    }
  }

  private async write(events: PreparedEvent[]): Promise<BatchWriteResult> {
    if (events.length === 0) return emptyWriteResult();
    try {
      return await this.writer.write(events);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      // A day the schedule has not prepared (clock skew, a long outage): create it and try once more.
      for (const day of new Set(events.map((e) => e.received.toISOString().slice(0, 10)))) {
        await this.partitions.ensureDailyPartition('events', new Date(`${day}T00:00:00Z`));
      }
      return this.writer.write(events);
    }
  }

  /** Poison events are kept for inspection and acknowledged, so they are never retried forever. */
  private async recordFailures(failures: Failure[]): Promise<void> {
    for (const { job, error } of failures) {
      this.logger.error(
        `event ${job.eventId} of project ${job.projectId} could not be processed: ${(error as Error)?.message}`,
      );
    }
    await this.failures.insert(
      failures.map(({ job, error }) => ({
        projectId: job.projectId,
        eventId: job.eventId,
        error: String((error as Error)?.stack ?? error),
        payload: job.payload,
      })),
    );
  }
}
