/**
 * What the ingest queue needs to know of an item: when it was accepted (for the backlog's age) and its payload
 * (whose length sizes the jobs). The item types themselves, and what they mean, belong to the ingest lib.
 */
export interface QueueItem {
  /** Epoch milliseconds when the api accepted it. */
  receivedAt: number;
  payload: string;
}

/**
 * What a Bull ingest job holds: several accepted items (the producer groups the items that arrive while its
 * previous `add` is on its way to Redis).
 */
export interface QueueItemGroup<T extends QueueItem = QueueItem> {
  events: T[];
}

/** What `/_health/` reports about the ingest queue. Counts are jobs (a Bull job may hold several events). */
export interface IngestQueueStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Seconds since the oldest waiting event was accepted; null when nothing waits. */
  oldestWaitingSeconds: number | null;
}

/**
 * `enqueue` could not hand the event to the queue in time (Redis unreachable): the event is not accepted and the
 * client should retry later.
 */
export class QueueUnavailableError extends Error {
  constructor(message = 'the event queue is unavailable') {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Thrown by a batch handler that cannot process its batch now for a reason unrelated to the events (the database is
 * unreachable and the process is stopping): the queue keeps the batch for later without counting a failed attempt.
 */
export class BatchPostponedError extends Error {
  constructor(readonly reason: string) {
    super(`batch postponed: ${reason}`);
    this.name = 'BatchPostponedError';
  }
}

/**
 * The queue between ingest and processing. Bull on Redis in production; an in-process implementation in
 * all-in-one mode. Nothing else knows which one runs.
 */
export abstract class IngestQueue<T extends QueueItem = QueueItem> {
  abstract enqueue(job: T): Promise<void>;
  /** Jobs accepted but not processed yet (an estimate is fine). */
  abstract backlog(): Promise<number>;
  abstract stats(): Promise<IngestQueueStats>;
  abstract close(): Promise<void>;
}

export type IngestBatchHandler<T extends QueueItem = QueueItem> = (jobs: T[]) => Promise<unknown>;

/**
 * The consuming side: delivers jobs in batches; a batch that throws is retried (one that throws
 * `BatchPostponedError` is kept without counting an attempt).
 */
export abstract class IngestConsumer<T extends QueueItem = QueueItem> {
  abstract start(handler: IngestBatchHandler<T>): Promise<void>;
  /** Stop taking new jobs and finish the ones in hand. */
  abstract stop(): Promise<void>;
}

export const QueueName = {
  EventIngest: 'event-ingest',
  Maintenance: 'maintenance',
} as const;
