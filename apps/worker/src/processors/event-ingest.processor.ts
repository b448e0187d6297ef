import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestConsumer, IngestJobData } from '@app/core';
import { EventIngestService } from '@app/ingest';

/** Feeds batches from the ingest queue to the ingest use case; a batch that throws is retried by the queue. */
@Injectable()
export class EventIngestProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventIngestProcessor.name);

  constructor(
    @Inject(IngestConsumer) private readonly consumer: IngestConsumer,
    private readonly ingest: EventIngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start((jobs) => this.process(jobs));
    this.logger.log('Consuming the event-ingest queue');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async process(jobs: IngestJobData[]): Promise<void> {
    const outcome = await this.ingest.processBatch(jobs);
    this.logger.debug(
      `batch of ${jobs.length}: ${outcome.inserted} stored, ${outcome.newIssues} new issues, ` +
        `${outcome.duplicates} duplicates, ${outcome.failed} failed`,
    );
  }
}
