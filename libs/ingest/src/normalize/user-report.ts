import { eventIdHex } from '@app/events';
/**
 * User feedback as it reaches ingest, turned into the one shape we store (GlitchTip's UserReport):
 *
 * - the legacy `user_report` envelope item (and the crash-report dialog's form): `{event_id, name, email, comments}`;
 * - the `feedback` item (user feedback v2): an event whose `contexts.feedback` holds `message`, `contact_email`,
 *   `name` and, when the user answered a crash dialog, `associated_event_id`.
 */
export interface UserReportInput {
  /** 32 lowercase hex: the event the report is about. */
  eventId: string;
  name: string;
  email: string;
  comments: string;
}

export class InvalidUserReportError extends Error {}

const NAME_MAX = 128;
const EMAIL_MAX = 254;
/** Relay's limit for a feedback message; also applied to legacy comments. */
const COMMENTS_MAX = 4096;

/** 32 lowercase hex from a UUID in any of the SDKs' spellings, or null. */
export function normalizeEventId(value: unknown): string | null {
  return eventIdHex(value);
}

function text(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  // NUL cannot be stored in PostgreSQL text.
  return value
    .replace(/\u0000/g, '')
    .trim()
    .slice(0, max);
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A legacy user report; `fallbackEventId` (the envelope's) is used when the report names no valid event. */
export function userReportFromItem(
  payload: Record<string, unknown>,
  fallbackEventId: string | null,
): UserReportInput {
  const eventId = normalizeEventId(payload.event_id) ?? fallbackEventId;
  if (!eventId) throw new InvalidUserReportError('user report has no valid event_id');
  const comments = text(payload.comments, COMMENTS_MAX);
  if (!comments) throw new InvalidUserReportError('user report has no comments');
  return {
    eventId,
    name: text(payload.name, NAME_MAX),
    email: text(payload.email, EMAIL_MAX),
    comments,
  };
}

export interface FeedbackReport {
  report: UserReportInput;
  /**
   * Feedback that answers no error (a feedback widget, `captureFeedback` without an event): it is kept as an event
   * of its own too, so that it shows up as an issue that carries the report.
   */
  standaloneEvent: Record<string, unknown> | null;
}

/** A `feedback` item (an event with `contexts.feedback`) whose own event id is `feedbackEventId`. */
export function userReportFromFeedback(
  event: Record<string, unknown>,
  feedbackEventId: string,
): FeedbackReport {
  const feedback = record(record(event.contexts)?.feedback);
  if (!feedback) throw new InvalidUserReportError('feedback has no contexts.feedback');
  const comments = text(feedback.message, COMMENTS_MAX);
  if (!comments) throw new InvalidUserReportError('feedback has no message');
  const user = record(event.user);
  const associated = normalizeEventId(feedback.associated_event_id);
  const report: UserReportInput = {
    eventId: associated ?? feedbackEventId,
    name: text(feedback.name, NAME_MAX) || text(user?.name, NAME_MAX) || text(user?.username, NAME_MAX),
    email: text(feedback.contact_email, EMAIL_MAX) || text(user?.email, EMAIL_MAX),
    comments,
  };
  if (associated) return { report, standaloneEvent: null };
  return {
    report,
    standaloneEvent: {
      ...event,
      event_id: feedbackEventId,
      type: 'default',
      level: typeof event.level === 'string' ? event.level : 'info',
      logger: typeof event.logger === 'string' ? event.logger : 'feedback',
      message: `User feedback: ${comments.split('\n')[0]!.slice(0, 200)}`,
    },
  };
}
