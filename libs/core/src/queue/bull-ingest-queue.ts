import Bull from 'bull';
import { AppConfig } from '../config/app-config';
import { IngestBatchHandler, IngestConsumer, IngestJobData, IngestQueue, QueueName } from './ingest-queue';

export function createBullQueue(config: AppConfig, name: string): Bull.Queue {
  return new Bull(name, config.redisUrl ?? 'redis://127.0.0.1:6379', {
    prefix: `${config.redisPrefix}:bull`,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 1000,
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
    },
  });
}

export class BullIngestQueue extends IngestQueue {
  private cachedBacklog = 0;
  private backlogCheckedAt = 0;
  private backlogRefresh: Promise<void> | null = null;

  constructor(readonly queue: Bull.Queue) {
    super();
  }

  async enqueue(job: IngestJobData): Promise<void> {
    // A deterministic job id makes an SDK's resend of a still-queued event a no-op in Redis.
    await this.queue.add(job, { jobId: `${job.projectId}:${job.eventId}` });
  }

  /** The waiting count, refreshed at most every 500 ms so that ingest does not pay a Redis call per request. */
  async backlog(): Promise<number> {
    const now = Date.now();
    if (now - this.backlogCheckedAt > 500 && !this.backlogRefresh) {
      this.backlogCheckedAt = now;
      this.backlogRefresh = this.queue
        .getWaitingCount()
        .then((count) => {
          this.cachedBacklog = count;
        })
        .catch(() => undefined)
        .finally(() => {
          this.backlogRefresh = null;
        });
      if (this.cachedBacklog === 0 && this.backlogCheckedAt === now) await this.backlogRefresh;
    }
    return this.cachedBacklog;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * Consumes the Bull queue in batches: up to `batchSize` jobs are active at once; each job's promise is
 * settled when the batch it joined has been processed, so Bull retries exactly the jobs of a failed batch.
 */
export class BullIngestConsumer extends IngestConsumer {
  private pending: Array<{ data: IngestJobData; resolve: () => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private handler: IngestBatchHandler | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: Bull.Queue,
    private readonly batchSize: number,
    private readonly batchWaitMs: number,
  ) {
    super();
  }

  async start(handler: IngestBatchHandler): Promise<void> {
    this.handler = handler;
    void this.queue.process(this.batchSize, (job: Bull.Job<IngestJobData>) => this.add(job.data));
    await this.queue.isReady();
  }

  private add(data: IngestJobData): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ data, resolve, reject });
      if (this.pending.length >= this.batchSize) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.batchWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    if (!batch.length || !this.handler) return;
    const run = this.handler(batch.map((b) => b.data)).then(
      () => batch.forEach((b) => b.resolve()),
      (error: unknown) => batch.forEach((b) => b.reject(error)),
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  async stop(): Promise<void> {
    const closing = this.queue.close();
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    await closing;
  }
}

export { QueueName };
