export * from './normalized-event.types';
export { normalizeEvent, NORMALIZE_LIMITS } from './normalize-event';
export { deriveEventSummary, deriveCulprit, findCrashFrame, isMessageWithSyntheticStack } from './derive';
export type { EventSummary, EventSummaryType } from './derive';
export { cspReportToEvent, cspReportsToEvents, InvalidCspReportError } from './csp';
export { extractTags, userKey } from './tags';
export { parseUserAgent } from './user-agent';
export type { UserAgentInfo } from './user-agent';
export { parseTimestamp } from './timestamp';
export { formatLogMessage } from './message-format';
export {
  normalizeEventId,
  userReportFromFeedback,
  userReportFromItem,
  InvalidUserReportError,
} from './user-report';
export type { FeedbackReport, UserReportInput } from './user-report';
