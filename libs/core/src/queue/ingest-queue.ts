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

/**
 * The queue between ingest and processing. Bull on Redis in production; an in-process implementation in
 * all-in-one mode. Nothing else knows which one runs.
 */
export abstract class IngestQueue {
  abstract enqueue(job: IngestJobData): Promise<void>;
  /** Jobs accepted but not processed yet (an estimate is fine). */
  abstract backlog(): Promise<number>;
  abstract close(): Promise<void>;
}

export type IngestBatchHandler = (jobs: IngestJobData[]) => Promise<void>;

/** The consuming side: delivers jobs in batches; a batch that throws is retried. */
export abstract class IngestConsumer {
  abstract start(handler: IngestBatchHandler): Promise<void>;
  /** Stop taking new jobs and finish the ones in hand. */
  abstract stop(): Promise<void>;
}

export const QueueName = {
  EventIngest: 'event-ingest',
  Maintenance: 'maintenance',
} as const;
