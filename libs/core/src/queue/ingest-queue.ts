/** What the api hands to the worker for one accepted event. Kept small: ids and the raw JSON text. */
export interface IngestJobData {
  projectId: number;
  /** 32 lowercase hex. */
  eventId: string;
  /** Epoch milliseconds when the api accepted the request. */
  receivedAt: number;
  /**
   * `user_report`: a legacy user report (`eventId` is the event it is about); `feedback`: a user feedback event
   * (`eventId` is the feedback's own id).
   */
  kind: 'event' | 'csp' | 'user_report' | 'feedback';
  /** The item's JSON exactly as received, decompressed. */
  payload: string;
  clientIp?: string;
  sentryClient?: string;
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
export abstract class IngestQueue {
  abstract enqueue(job: IngestJobData): Promise<void>;
  /** Jobs accepted but not processed yet (an estimate is fine). */
  abstract backlog(): Promise<number>;
  abstract stats(): Promise<IngestQueueStats>;
  abstract close(): Promise<void>;
}

export type IngestBatchHandler = (jobs: IngestJobData[]) => Promise<void>;

/**
 * The consuming side: delivers jobs in batches; a batch that throws is retried (one that throws
 * `BatchPostponedError` is kept without counting an attempt).
 */
export abstract class IngestConsumer {
  abstract start(handler: IngestBatchHandler): Promise<void>;
  /** Stop taking new jobs and finish the ones in hand. */
  abstract stop(): Promise<void>;
}

export const QueueName = {
  EventIngest: 'event-ingest',
  Maintenance: 'maintenance',
} as const;
