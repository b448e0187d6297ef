import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { IngestConsumer, JobMap, Transactions } from '@app/core';
import { EventIngestService, IngestJobData, IngestJobs, OutcomeRecorder } from '@app/ingest';
import { AlertsProcessor } from './alerts.processor';
import { DatabaseAvailability } from './database-availability';

/**
 * Feeds batches from the ingest queue to the ingest use case. A batch that throws is retried by the queue, except
 * when the database is unreachable: then the batch waits here until it answers, so an outage spends no attempt.
 */
@Injectable()
export class EventIngestProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventIngestProcessor.name);
  private readonly database: DatabaseAvailability;

  constructor(
    @Inject(IngestConsumer) private readonly consumer: IngestConsumer<IngestJobData>,
    private readonly jobs: JobMap,
    private readonly outcomes: OutcomeRecorder,
    private readonly ingest: EventIngestService,
    transactions: Transactions,
    private readonly alerts: AlertsProcessor,
  ) {
    this.database = new DatabaseAvailability({ probe: () => transactions.ping() });
  }

  onModuleInit(): void {
    this.jobs.handle(IngestJobs.Batch, (jobs) => this.process(jobs));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start(this.jobs.handlerOf(IngestJobs.Batch));
    this.logger.log('Consuming the event-ingest queue');
  }

  async onApplicationShutdown(): Promise<void> {
    // Batches waiting for the database go back to the queue instead of holding the shutdown.
    this.database.stop();
    await this.consumer.stop();
    // The outcomes of the batches finished while stopping.
    await this.outcomes.flush();
  }

  async process(jobs: IngestJobData[]): Promise<void> {
    const outcome = await this.database.run(() => this.ingest.processBatch(jobs));
    await this.alerts.afterBatch(jobs, outcome.regressedIssueIds);
    this.logger.debug(
      `batch of ${jobs.length}: ${outcome.inserted} stored, ${outcome.newIssues} new issues, ` +
        `${outcome.duplicates} duplicates, ${outcome.failed} failed`,
    );
  }
}
