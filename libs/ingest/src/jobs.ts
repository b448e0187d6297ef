import { declareJob, QueueItemGroup, QueueName } from '@app/core';

/** What the api hands to the worker for one accepted item. Kept small: ids and the raw JSON text. */
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

/** What one Bull job of the ingest queue holds. */
export type IngestJobGroup = QueueItemGroup<IngestJobData>;

/** The jobs the worker consumes from the ingest queue: batches of accepted items. */
export const IngestJobs = {
  Batch: declareJob<IngestJobData[]>(QueueName.EventIngest, 'batch'),
} as const;

/**
 * Two pending items with this key are one item sent twice (the in-process queue drops the second). A user report
 * shares its event's id: it is not a resend of that event.
 */
export function ingestPendingKey(item: IngestJobData): string {
  return `${item.kind === 'user_report' ? 'r' : 'e'}:${item.projectId}:${item.eventId}`;
}
