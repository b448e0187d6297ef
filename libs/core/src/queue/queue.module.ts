import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BullIngestConsumer, BullIngestQueue, createBullQueue } from './bull-ingest-queue';
import { IngestConsumer, IngestQueue, QueueName } from './ingest-queue';

@Injectable()
class QueueCloser implements OnApplicationShutdown {
  constructor(@Inject(IngestQueue) private readonly queue: IngestQueue) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

/** The producer side of the ingest queue (Bull on Redis). */
@Global()
@Module({})
export class IngestQueueModule {
  static forRoot(): DynamicModule {
    return {
      module: IngestQueueModule,
      providers: [
        {
          provide: IngestQueue,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new BullIngestQueue(createBullQueue(config, QueueName.EventIngest)),
        },
        QueueCloser,
      ],
      exports: [IngestQueue],
    };
  }
}

/** The consuming side, for the worker. */
@Module({})
export class IngestConsumerModule {
  static forRoot(): DynamicModule {
    return {
      module: IngestConsumerModule,
      providers: [
        {
          provide: IngestConsumer,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new BullIngestConsumer(
              createBullQueue(config, QueueName.EventIngest),
              config.workerBatchSize,
              config.workerBatchWaitMs,
            ),
        },
      ],
      exports: [IngestConsumer],
    };
  }
}
