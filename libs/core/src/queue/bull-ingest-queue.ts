import Bull from 'bull';
import { AppConfig } from '../config/app-config';
import {
  BatchPostponedError,
  IngestBatchHandler,
  IngestConsumer,
  IngestQueue,
  IngestQueueStats,
  QueueItem,
  QueueItemGroup,
  QueueName,
  QueueUnavailableError,
} from './ingest-queue';

/** Jobs of the ingest queue follow INGEST_JOB_ATTEMPTS / INGEST_JOB_BACKOFF_MS; other queues keep Bull's usual 8 tries. */
export function createBullQueue(config: AppConfig, name: string): Bull.Queue {
  const retry = name === QueueName.EventIngest ? config.ingestJobRetry : { attempts: 8, backoffMs: 1000 };
  return new Bull(name, config.redisUrl ?? 'redis://127.0.0.1:6379', {
    prefix: `${config.redisPrefix}:bull`,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 1000,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
    },
  });
}

/** Resolves with `promise`, or with `undefined` once `ms` have passed (the timer does not hold the process). */
function withinTime<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The jobs counts and the age of the oldest waiting event of a Bull ingest queue. */
export async function bullQueueStats(queue: Bull.Queue): Promise<IngestQueueStats> {
  const [counts, oldest] = await Promise.all([queue.getJobCounts(), queue.getWaiting(0, 0)]);
  let oldestAcceptedAt: number | null = null;
  for (const job of oldest) {
    if (!job) continue;
    const events = itemsOfJob(job);
    for (const at of [job.timestamp, ...events.map((e) => e.receivedAt)]) {
      if (typeof at === 'number' && Number.isFinite(at))
        oldestAcceptedAt = Math.min(oldestAcceptedAt ?? at, at);
    }
  }
  return {
    waiting: counts.waiting + ((counts as { paused?: number }).paused ?? 0),
    active: counts.active,
    delayed: counts.delayed,
    failed: counts.failed,
    oldestWaitingSeconds:
      oldestAcceptedAt === null ? null : Math.max(0, Math.round((Date.now() - oldestAcceptedAt) / 1000)),
  };
}

/** The items of a job of the ingest queue (none when its data is not a group). */
export function itemsOfJob<T extends QueueItem>(job: Bull.Job<QueueItemGroup<T>>): T[] {
  if (Array.isArray(job.data?.events)) return job.data.events;
  // Versions before grouping queued one item per job; the requeue command turns those into groups.
  return isQueueItem(job.data) ? [job.data as unknown as T] : [];
}

function isQueueItem(data: unknown): data is QueueItem {
  const item = data as Partial<QueueItem> | null;
  return typeof item?.receivedAt === 'number' && typeof item.payload === 'string';
}

export interface BullIngestQueueOptions {
  /** Most events in one job. */
  maxEventsPerJob: number;
  /** Most payload characters in one job (a single larger event still gets a job of its own). */
  maxCharsPerJob: number;
  /** `add` calls on their way to Redis at once; events arriving meanwhile wait and share the next job. */
  maxAddsInFlight: number;
  /**
   * Least time between two adds unless a full job is waiting: at moderate rates, events arriving within it share
   * a job instead of each paying for one (an event waits this long at most; 0 turns it off).
   */
  lingerMs: number;
  /** Longest an event waits to be in Redis before `enqueue` gives up with `QueueUnavailableError`. */
  enqueueTimeoutMs: number;
}

/**
 * Measured (bench/, one Node process adding 7.5 KB events from 50 concurrent callers): groups of about 8 events
 * cost Node 40 µs and Redis 30 µs per event, against 68 + 63 µs for one job per event. Past ~64 KB of job data
 * the cost per event goes up again several times over: V8 keeps strings over 128 KB (two bytes per character
 * when any character is outside Latin-1) in large-object space, and ioredis measures and copies the argument
 * twice. Hence a cap in characters well under that.
 */
const DEFAULT_PRODUCER: BullIngestQueueOptions = {
  maxEventsPerJob: 50,
  maxCharsPerJob: 48 * 1024,
  maxAddsInFlight: 4,
  lingerMs: 2,
  enqueueTimeoutMs: 5_000,
};

interface PendingEvent<T> {
  job: T;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

function settle(event: PendingEvent<unknown>, error?: unknown): void {
  if (event.settled) return;
  event.settled = true;
  clearTimeout(event.timer);
  if (error === undefined) event.resolve();
  else event.reject(error);
}

/**
 * The producer side, with group commit: an event is added at once when fewer than `maxAddsInFlight` adds are
 * in flight and the previous add started at least `lingerMs` ago; otherwise it waits and goes into the next job
 * together with every other event that arrived meanwhile (a full job goes at once). Idle, each event is a job of
 * its own and waits for nothing; under load, one Redis command (and one job for the worker to fetch, lock and
 * complete) carries several events. `enqueue` resolves only once the job holding the event is in Redis, so an
 * accepted event is never only in memory.
 *
 * Jobs no longer have a per-event id, so Redis does not drop the resend of a still-queued event: the worker's
 * de-duplication against stored events (and within a batch) does.
 *
 * Redis unreachable: ioredis keeps commands while it reconnects, so a short blip costs only latency; an event not in
 * Redis within `enqueueTimeoutMs` is refused (`QueueUnavailableError`, the client is told to retry). After such a
 * timeout, and until the connection is back, events are refused at once instead of each waiting the timeout. An add
 * that was already sent may still land once Redis answers: the client then resends an event that is stored, which
 * the worker recognises as a duplicate.
 */
export class BullIngestQueue<T extends QueueItem = QueueItem> extends IngestQueue<T> {
  private cachedBacklog = 0;
  private backlogCheckedAt = 0;
  private backlogRefresh: Promise<boolean> | null = null;
  private pending: Array<PendingEvent<T>> = [];
  private addsInFlight = 0;
  /** Moving average of events per job this process added: the backlog in events is about jobs × this. */
  private eventsPerJob = 1;
  private readonly options: BullIngestQueueOptions;
  /** Set when Redis failed to take an event in time; cleared when the connection is ready again. */
  private unreachable = false;

  constructor(
    readonly queue: Bull.Queue,
    options: Partial<BullIngestQueueOptions> = {},
  ) {
    super();
    this.options = { ...DEFAULT_PRODUCER, ...options };
    queue.client.on('ready', () => {
      this.unreachable = false;
    });
  }

  enqueue(job: T): Promise<void> {
    if (this.unreachable && this.queue.client.status !== 'ready')
      return Promise.reject(new QueueUnavailableError('Redis is unreachable'));
    return new Promise<void>((resolve, reject) => {
      const event: PendingEvent<T> = { job, resolve, reject, timer: undefined, settled: false };
      event.timer = setTimeout(() => this.timeOut(event), this.options.enqueueTimeoutMs);
      this.pending.push(event);
      this.pump();
    });
  }

  private timeOut(event: PendingEvent<T>): void {
    const index = this.pending.indexOf(event);
    if (index !== -1) this.pending.splice(index, 1);
    this.unreachable = true;
    settle(
      event,
      new QueueUnavailableError(`Redis did not take the event within ${this.options.enqueueTimeoutMs} ms`),
    );
  }

  private lastAddAt = 0;
  private lingerTimer: NodeJS.Timeout | null = null;

  private pump(): void {
    while (this.addsInFlight < this.options.maxAddsInFlight && this.pending.length > 0) {
      const wait = this.lastAddAt + this.options.lingerMs - performance.now();
      if (wait > 0 && !this.fullJobWaiting()) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = null;
          this.pump();
        }, wait);
        return;
      }
      this.lastAddAt = performance.now();
      const group = this.takeGroup();
      this.addsInFlight++;
      this.queue
        .add({ events: group.map((p) => p.job) } satisfies QueueItemGroup<T>)
        .then(
          () => {
            this.eventsPerJob = 0.9 * this.eventsPerJob + 0.1 * group.length;
            group.forEach((p) => settle(p));
          },
          (error: unknown) => group.forEach((p) => settle(p, error)),
        )
        .finally(() => {
          this.addsInFlight--;
          this.pump();
        });
    }
  }

  private fullJobWaiting(): boolean {
    if (this.pending.length >= this.options.maxEventsPerJob) return true;
    let chars = 0;
    for (const p of this.pending)
      if ((chars += p.job.payload.length) >= this.options.maxCharsPerJob) return true;
    return false;
  }

  private takeGroup(): Array<PendingEvent<T>> {
    const { maxEventsPerJob, maxCharsPerJob } = this.options;
    let count = 0;
    let chars = 0;
    while (count < this.pending.length && count < maxEventsPerJob) {
      const size = this.pending[count]!.job.payload.length;
      if (count > 0 && chars + size > maxCharsPerJob) break;
      chars += size;
      count++;
    }
    return this.pending.splice(0, count);
  }

  /** The waiting count, refreshed at most every 500 ms so that ingest does not pay a Redis call per request. */
  async backlog(): Promise<number> {
    const now = Date.now();
    if (now - this.backlogCheckedAt > 500 && !this.backlogRefresh) {
      this.backlogCheckedAt = now;
      const refresh = this.queue
        .getWaitingCount()
        .then((count) => {
          // Jobs hold several events each: estimate events, not jobs, against INGEST_MAX_BACKLOG.
          this.cachedBacklog = Math.round(count * Math.max(1, this.eventsPerJob));
          return true;
        })
        .catch(() => false)
        .finally(() => {
          this.backlogRefresh = null;
        });
      this.backlogRefresh = refresh;
      // Bounded like an enqueue: an unreachable Redis must not hold the request.
      if (this.cachedBacklog === 0 && !this.unreachable) {
        if ((await withinTime(refresh, this.options.enqueueTimeoutMs)) === undefined) this.unreachable = true;
      }
    }
    return this.cachedBacklog;
  }

  stats(): Promise<IngestQueueStats> {
    return bullQueueStats(this.queue);
  }

  async close(): Promise<void> {
    // Let events already handed to us reach Redis before the connection goes (each waits its enqueue timeout at most).
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
      this.lastAddAt = 0;
      this.pump();
    }
    const deadline = Date.now() + this.options.enqueueTimeoutMs + 100;
    while ((this.pending.length > 0 || this.addsInFlight > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.queue.close();
  }
}

/** A job handed to the consumer by Bull, settled once the batch holding its items is processed. */
interface HeldJob<T> {
  events: T[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface BullIngestConsumerOptions {
  /** Jobs held at once (fetched, waiting for the batch that holds their events to be stored). */
  jobConcurrency: number;
  /** Batches being stored at once: while one is written, the next one is assembled and prepared. */
  maxBatchesInFlight: number;
}

/**
 * Consumes the Bull queue in batches of about `batchSize` events (whole jobs, so a batch may exceed it by part of
 * a job). A batch is handed over when it is full, when no further job can arrive because every one of the
 * `jobConcurrency` slots holds a job waiting for its batch, or `batchWaitMs` after its first job arrived. Each
 * job's promise settles when the batch holding its events has been processed, so Bull retries exactly the jobs of
 * a failed batch, and a job is never acknowledged before its events are stored. While the handler waits for an
 * unreachable database, its jobs stay held (Bull renews their locks) and at most `jobConcurrency` jobs are taken:
 * consumption pauses without spending attempts.
 */
export class BullIngestConsumer<T extends QueueItem = QueueItem> extends IngestConsumer<T> {
  private pending: Array<HeldJob<T>> = [];
  private pendingEvents = 0;
  /** Jobs handed to us by Bull and not settled yet (pending or in a batch being processed). */
  private heldJobs = 0;
  private timer: NodeJS.Timeout | null = null;
  private waitedLongEnough = false;
  private handler: IngestBatchHandler<T> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: BullIngestConsumerOptions;

  constructor(
    private readonly queue: Bull.Queue,
    private readonly batchSize: number,
    private readonly batchWaitMs: number,
    options: Partial<BullIngestConsumerOptions> = {},
  ) {
    super();
    this.options = { jobConcurrency: batchSize, maxBatchesInFlight: 2, ...options };
  }

  async start(handler: IngestBatchHandler<T>): Promise<void> {
    this.handler = handler;
    // A job that is not a group fails (and stays in the failed set for inspection) rather than completing empty.
    void this.queue.process(this.options.jobConcurrency, (job: Bull.Job<QueueItemGroup<T>>) =>
      this.add(job.data.events),
    );
    await this.queue.isReady();
  }

  private add(events: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.heldJobs++;
      this.pending.push({ events, resolve, reject });
      this.pendingEvents += events.length;
      if (!this.timer && !this.waitedLongEnough) this.startTimer();
      this.flush();
    });
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.waitedLongEnough = true;
      this.flush();
    }, this.batchWaitMs);
  }

  private get due(): boolean {
    return (
      this.pendingEvents >= this.batchSize ||
      this.heldJobs >= this.options.jobConcurrency ||
      this.waitedLongEnough
    );
  }

  /** Hands pending jobs to the handler when a batch is due and fewer than `maxBatchesInFlight` are running. */
  private flush(force = false): void {
    if (this.pending.length === 0 || !this.handler) return;
    if (!force && (!this.due || this.inFlight.size >= this.options.maxBatchesInFlight)) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.waitedLongEnough = false;
    let count = 0;
    let events = 0;
    while (count < this.pending.length && (count === 0 || events < this.batchSize)) {
      events += this.pending[count]!.events.length;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.pendingEvents -= events;
    if (this.pending.length > 0) this.startTimer();
    const jobs = batch.length === 1 ? batch[0]!.events : batch.flatMap((b) => b.events);
    const run = this.handler(jobs).then(
      () => batch.forEach((b) => b.resolve()),
      (error: unknown) =>
        error instanceof BatchPostponedError ? this.handBack(batch) : batch.forEach((b) => b.reject(error)),
    );
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      this.heldJobs -= batch.length;
      this.flush();
    });
  }

  /**
   * A postponed batch (the database is unreachable and this process is stopping) goes back to the queue as new jobs
   * with every attempt ahead of them; the held jobs then complete. Should Redis refuse the add, the job fails as
   * usual and keeps its remaining attempts.
   */
  private async handBack(batch: Array<HeldJob<T>>) {
    for (const held of batch) {
      try {
        await this.queue.add({ events: held.events } satisfies QueueItemGroup<T>);
        held.resolve();
      } catch (error) {
        held.reject(error);
      }
    }
  }

  /**
   * Stops taking jobs, hands every held job to the handler (which stores its events or, while the database is
   * unreachable, hands the batch back to the queue), then closes. Pausing first matters: a job Bull fetched while
   * closing would stay `active` in Redis, unprocessed, until the stalled-job check long after.
   */
  async stop(): Promise<void> {
    await this.queue.pause(true, true).catch(() => undefined);
    // A fetch that was under way when pausing delivers its job to `add` a tick later.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0 || this.inFlight.size > 0) {
      while (this.pending.length > 0) this.flush(true);
      await Promise.allSettled([...this.inFlight]);
    }
    await this.queue.close();
  }
}

export { QueueName };
