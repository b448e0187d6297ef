import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquirePidLock, PidLock } from '../data-dir/pid-lock';
import { IngestJournal, JournalRecord } from './ingest-journal';
import {
  BatchPostponedError,
  IngestBatchHandler,
  IngestConsumer,
  IngestQueue,
  IngestQueueStats,
  QueueItem,
} from './ingest-queue';

export interface InProcessQueueOptions {
  batchSize: number;
  batchWaitMs: number;
  /** How long `stop()` keeps processing what was accepted before it gives up and leaves the rest journaled. */
  drainTimeoutMs?: number;
  /** Items with the same key as a pending one are resends: dropped (by default none is). */
  pendingKey?: (item: QueueItem) => string | null;
}

/** The consuming side of `InProcessIngestQueue`, handed to the worker's processor. */
class InProcessIngestConsumer<T extends QueueItem> extends IngestConsumer<T> {
  constructor(
    private readonly begin: (handler: IngestBatchHandler<T>) => void,
    private readonly end: () => Promise<void>,
  ) {
    super();
  }

  async start(handler: IngestBatchHandler<T>): Promise<void> {
    this.begin(handler);
  }

  stop(): Promise<void> {
    return this.end();
  }
}

interface PendingJob<T extends QueueItem> extends JournalRecord<T> {
  /** When it was accepted (0 for jobs replayed from the journal: due at once). */
  at: number;
}

/**
 * The ingest queue when there is no Redis (all-in-one mode): producer and consumer in one process, every accepted
 * job written to an `IngestJournal` under the data directory before `enqueue` resolves (that is, before the API
 * answers 200). The consumer takes jobs in order, in batches like the Bull consumer, and acknowledges a batch in
 * the journal once the handler has stored it. On SIGTERM (`stop`) it processes everything accepted before it
 * returns; whatever a crash or the drain timeout leaves behind is replayed at the next start. A replayed job that
 * had in fact been stored just before a crash is recognised as a duplicate by the ingest use case.
 */
export class InProcessIngestQueue<T extends QueueItem = QueueItem> extends IngestQueue<T> {
  private readonly logger = new Logger('IngestQueue');
  private readonly pending: Array<PendingJob<T>> = [];
  /** `pendingKey` of pending jobs: a resend of a queued event is dropped. */
  private readonly keys = new Set<string>();
  private wake: (() => void) | null = null;
  private stopping = false;
  private drainDeadline = 0;
  private running: Promise<void> | null = null;
  private closed = false;
  private leftoverReported = false;
  /** Jobs at the head of `pending` handed to the handler and not acknowledged yet. */
  private inBatch = 0;
  readonly consumer: IngestConsumer<T>;

  private constructor(
    private readonly journal: IngestJournal,
    private readonly lock: PidLock,
    replay: Array<JournalRecord<T>>,
    private readonly options: InProcessQueueOptions,
  ) {
    super();
    for (const record of replay) this.push({ ...record, at: 0 });
    if (replay.length)
      this.logger.log(`${replay.length} accepted events from before the restart are queued again`);
    this.consumer = new InProcessIngestConsumer(
      (handler) => {
        this.running ??= this.consume(handler);
      },
      () => this.drain(),
    );
  }

  /**
   * Opens (and locks) the journal under `dataDir`, picking up the jobs a previous process accepted but did not
   * finish.
   */
  static open<T extends QueueItem>(dataDir: string, options: InProcessQueueOptions): InProcessIngestQueue<T> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const lock = acquirePidLock(join(dataDir, 'ingest-queue.lock'));
    try {
      const { journal, pending } = IngestJournal.open(join(dataDir, 'ingest-queue'), (m) =>
        new Logger('IngestQueue').warn(m),
      );
      return new InProcessIngestQueue<T>(journal, lock, pending as Array<JournalRecord<T>>, options);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async enqueue(job: T): Promise<void> {
    if (this.closed) throw new Error('the ingest queue is closed');
    const key = this.options.pendingKey?.(job);
    if (key != null && this.keys.has(key)) return;
    const seq = this.journal.append(job);
    this.push({ seq, job, at: Date.now() });
    if (this.pending.length === 1 || this.pending.length >= this.options.batchSize) this.notify();
  }

  async backlog(): Promise<number> {
    return this.pending.length;
  }

  /** Nothing is ever given up here (a batch is retried until stored), so nothing is delayed or failed. */
  async stats(): Promise<IngestQueueStats> {
    const oldestWaiting = this.pending[this.inBatch];
    return {
      waiting: this.pending.length - this.inBatch,
      active: this.inBatch,
      delayed: 0,
      failed: 0,
      oldestWaitingSeconds: oldestWaiting
        ? Math.max(0, Math.round((Date.now() - oldestWaiting.job.receivedAt) / 1000))
        : null,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    this.journal.close();
    this.lock.release();
  }

  private push(job: PendingJob<T>): void {
    this.pending.push(job);
    const key = this.options.pendingKey?.(job.job);
    if (key != null) this.keys.add(key);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Sleeps until `ms` pass or `notify()` is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async consume(handler: IngestBatchHandler<T>): Promise<void> {
    let failures = 0;
    for (;;) {
      if (this.stopping && (this.pending.length === 0 || Date.now() >= this.drainDeadline)) return;
      if (this.pending.length === 0) {
        await this.pause(60_000);
        continue;
      }
      const due = this.pending[0]!.at + this.options.batchWaitMs;
      if (!this.stopping && this.pending.length < this.options.batchSize && Date.now() < due) {
        await this.pause(due - Date.now());
        continue;
      }
      const batch = this.pending.slice(0, this.options.batchSize);
      this.inBatch = batch.length;
      try {
        await handler(batch.map((b) => b.job));
      } catch (error) {
        this.inBatch = 0;
        // Stopping with the database unreachable: the batch stays journaled for the next start.
        if (error instanceof BatchPostponedError && this.stopping) return;
        failures++;
        const delay = Math.min(1000 * 2 ** (failures - 1), 30_000);
        this.logger.warn(
          `a batch of ${batch.length} events failed (${(error as Error).message}); retrying in ${delay} ms`,
        );
        await this.pause(
          this.stopping ? Math.min(delay, Math.max(0, this.drainDeadline - Date.now())) : delay,
        );
        continue;
      }
      failures = 0;
      this.inBatch = 0;
      this.pending.splice(0, batch.length);
      for (const b of batch) {
        const key = this.options.pendingKey?.(b.job);
        if (key != null) this.keys.delete(key);
      }
      this.journal.ack(batch.at(-1)!.seq);
    }
  }

  /** Processes everything accepted so far (up to the drain timeout), then stops consuming. */
  private async drain(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.drainDeadline = Date.now() + (this.options.drainTimeoutMs ?? 25_000);
      this.notify();
    }
    await this.running;
    if (this.pending.length && !this.leftoverReported) {
      this.leftoverReported = true;
      this.logger.warn(
        `${this.pending.length} accepted events were not processed in time; they stay in the journal and are ` +
          'processed at the next start',
      );
    }
  }
}
