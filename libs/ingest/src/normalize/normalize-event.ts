import { NORMALIZE_LIMITS } from './normalize-limits';
import {
  KEPT_EVENT_TYPES,
  normalizeAttributes,
  normalizeEventId,
  normalizeLevel,
  normalizePlatform,
  normalizeTimestamps,
  receiveTimeSeconds,
  withLegacyAliases,
} from './normalize-attributes';
import { normalizeBreadcrumbs } from './normalize-breadcrumbs';
import { normalizeCsp } from './normalize-csp';
import { normalizeContexts, normalizeExtra, normalizeTags } from './normalize-databags';
import { normalizeExceptionsAndThreads } from './normalize-exceptions';
import { normalizeFingerprint } from './normalize-fingerprint';
import { normalizeLogEntry } from './normalize-message';
import { normalizeRequest, normalizeUser } from './normalize-request';
import { normalizeModules, normalizeSdk } from './normalize-sdk';
import { NormalizeContext, NormalizedEvent } from './normalized-event.types';
import {
  coerceString,
  databagField,
  guarded,
  isPlainObject,
  PlainObject,
  RepairLog,
} from './normalize-utils';
import { secondsToIso } from './timestamp';
import { withUserAgentContexts } from './user-agent';

export { NORMALIZE_LIMITS } from './normalize-limits';
export { isIpAddress } from './normalize-request';

/**
 * Turns a payload as an SDK sent it into the canonical event (Relay's normalization rules, see
 * docs/sentry-protocol.md §8). Pure and total: it never throws on odd input; invalid parts are dropped
 * or defaulted and each repair is listed in `errors`.
 */
export function normalizeEvent(raw: Record<string, unknown>, ctx: NormalizeContext): NormalizedEvent {
  const log = new RepairLog();
  const receivedSeconds = receiveTimeSeconds(ctx.receivedAt);
  let input: PlainObject = {};
  if (isPlainObject(raw)) {
    input = withLegacyAliases(raw);
  } else {
    log.add('invalid_data', 'event', raw);
  }

  const timestamp = normalizeTimestamps(input, ctx, receivedSeconds, log);
  const event: NormalizedEvent = {
    event_id: normalizeEventId(input.event_id, ctx.eventId, log),
    timestamp: timestamp.timestamp,
    datetime: secondsToIso(timestamp.timestamp),
    received: secondsToIso(receivedSeconds),
    level: 'error',
    platform: 'other',
    tags: [],
    errors: log.errors,
  };
  if (timestamp.start !== undefined) event.start_timestamp = timestamp.start;

  guarded(log, 'type', () => {
    const type = coerceString(input.type);
    if (type !== undefined && KEPT_EVENT_TYPES.has(type)) event.type = type;
  });
  guarded(log, 'level', () => (event.level = normalizeLevel(input.level, event.type, log)));
  guarded(log, 'platform', () => (event.platform = normalizePlatform(input.platform, log)));
  guarded(log, 'attributes', () => normalizeAttributes(input, event, log));
  guarded(log, 'logentry', () => {
    const logentry = normalizeLogEntry(input.logentry, input.message, log);
    if (logentry) event.logentry = logentry;
  });
  guarded(log, 'exception', () => normalizeExceptionsAndThreads(input, event, log));
  guarded(log, 'breadcrumbs', () => {
    const breadcrumbs = normalizeBreadcrumbs(input.breadcrumbs, timestamp.driftSeconds, log);
    if (breadcrumbs) event.breadcrumbs = { values: breadcrumbs };
  });
  guarded(log, 'tags', () => (event.tags = normalizeTags(input.tags, event, log)));
  guarded(log, 'extra', () => {
    const extra = normalizeExtra(input.extra, log);
    if (extra) event.extra = extra;
  });
  guarded(log, 'contexts', () => {
    const contexts = normalizeContexts(input.contexts, log);
    if (contexts) event.contexts = contexts;
  });
  guarded(log, 'request', () => {
    const request = normalizeRequest(input.request, ctx.clientIp, log);
    if (request) event.request = request;
  });
  guarded(log, 'sdk', () => {
    const sdk = normalizeSdk(input.sdk, ctx.sentryClient, log);
    if (sdk) event.sdk = sdk;
  });
  guarded(log, 'user', () => {
    const user = normalizeUser(input.user, event, ctx.clientIp, log);
    if (user) event.user = user;
  });
  guarded(log, 'contexts', () => {
    const contexts = withUserAgentContexts(event.contexts, event.request);
    if (contexts) event.contexts = contexts;
  });
  guarded(log, 'fingerprint', () => {
    const fingerprint = normalizeFingerprint(input.fingerprint, log);
    if (fingerprint) event.fingerprint = fingerprint;
  });
  guarded(log, 'modules', () => {
    const modules = normalizeModules(input.modules, log);
    if (modules) event.modules = modules;
  });
  guarded(log, 'csp', () => {
    const csp = normalizeCsp(input.csp, log);
    if (csp) event.csp = csp;
  });
  guarded(log, 'debug_meta', () => {
    const debugMeta = databagField(
      input.debug_meta,
      'debug_meta',
      { maxDepth: 6, maxChars: NORMALIZE_LIMITS.debugMetaChars },
      log,
    );
    if (isPlainObject(debugMeta)) event.debug_meta = debugMeta;
  });
  guarded(log, 'transaction', () => {
    const info = databagField(
      input.transaction_info,
      'transaction_info',
      { maxDepth: 4, maxChars: 4096 },
      log,
    );
    if (isPlainObject(info)) event.transaction_info = info;
    const spans = databagField(
      input.spans,
      'spans',
      { maxDepth: 8, maxChars: NORMALIZE_LIMITS.extraTotalChars },
      log,
    );
    if (Array.isArray(spans)) event.spans = spans;
    const measurements = databagField(
      input.measurements,
      'measurements',
      { maxDepth: 3, maxChars: 4096 },
      log,
    );
    if (isPlainObject(measurements)) event.measurements = measurements;
  });

  event.errors = log.finish();
  return event;
}
