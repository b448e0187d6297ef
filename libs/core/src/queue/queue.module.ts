import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BullIngestConsumer, BullIngestQueue, createBullQueue } from './bull-ingest-queue';
import { InProcessIngestQueue } from './in-process-ingest-queue';
import { IngestConsumer, IngestQueue, QueueItem, QueueName } from './ingest-queue';

@Injectable()
class QueueCloser implements OnApplicationShutdown {
  constructor(@Inject(IngestQueue) private readonly queue: IngestQueue) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

/**
 * The producer side of the ingest queue: Bull on Redis when REDIS_URL is set; otherwise (all-in-one mode) the
 * in-process queue journaled under GLITCHTIP_DATA_DIR, whose consumer `IngestConsumerModule` hands to the worker.
 */
@Global()
@Module({})
export class IngestQueueModule {
  /** `pendingKey`: what makes two queued items one item sent twice (the in-process queue drops the second). */
  static forRoot<T extends QueueItem>(options: { pendingKey?: (item: T) => string } = {}): DynamicModule {
    return {
      module: IngestQueueModule,
      providers: [
        {
          provide: IngestQueue,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): IngestQueue =>
            config.redisUrl
              ? new BullIngestQueue(createBullQueue(config, QueueName.EventIngest), {
                  enqueueTimeoutMs: config.ingestEnqueueTimeoutMs,
                })
              : InProcessIngestQueue.open(config.dataDir, {
                  batchSize: config.workerBatchSize,
                  batchWaitMs: config.workerBatchWaitMs,
                  pendingKey: options.pendingKey as ((item: QueueItem) => string) | undefined,
                }),
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
          inject: [APP_CONFIG, { token: IngestQueue, optional: true }],
          useFactory: (config: AppConfig, queue?: IngestQueue): IngestConsumer => {
            if (config.redisUrl) {
              return new BullIngestConsumer(
                createBullQueue(config, QueueName.EventIngest),
                config.workerBatchSize,
                config.workerBatchWaitMs,
              );
            }
            if (queue instanceof InProcessIngestQueue) return queue.consumer;
            throw new Error(
              'Without REDIS_URL the worker must run in the api process (SERVER_ROLE=all_in_one)',
            );
          },
        },
      ],
      exports: [IngestConsumer],
    };
  }
}
