import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestConsumer, IngestJobData, Transactions } from '@app/core';
import { EventIngestService } from '@app/ingest';
import { AlertsProcessor } from './alerts.processor';
import { DatabaseAvailability } from './database-availability';

/**
 * Feeds batches from the ingest queue to the ingest use case. A batch that throws is retried by the queue, except
 * when the database is unreachable: then the batch waits here until it answers, so an outage spends no attempt.
 */
@Injectable()
export class EventIngestProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventIngestProcessor.name);
  private readonly database: DatabaseAvailability;

  constructor(
    @Inject(IngestConsumer) private readonly consumer: IngestConsumer,
    private readonly ingest: EventIngestService,
    transactions: Transactions,
    private readonly alerts: AlertsProcessor,
  ) {
    this.database = new DatabaseAvailability({ probe: () => transactions.ping() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start((jobs) => this.process(jobs));
    this.logger.log('Consuming the event-ingest queue');
  }

  async onApplicationShutdown(): Promise<void> {
    // Batches waiting for the database go back to the queue instead of holding the shutdown.
    this.database.stop();
    await this.consumer.stop();
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
