/** Normalizes the top-level attributes (id, timestamps, level, platform, release...) by Relay's rules. */
import { randomUUID } from 'node:crypto';
import { eventIdHex } from '@app/events';
import { NORMALIZE_LIMITS } from './normalize-limits';
import { EventLevel, NormalizeContext, NormalizedEvent } from './normalized-event.types';
import { coerceString, parseLevel, PlainObject, RepairLog, truncate } from './normalize-utils';
import { parseTimestamp, roundMicros, secondsToIso } from './timestamp';

const LEGACY_ALIASES: Array<[string, string]> = [
  ['sentry.interfaces.Exception', 'exception'],
  ['sentry.interfaces.Message', 'logentry'],
  ['sentry.interfaces.User', 'user'],
  ['sentry.interfaces.Http', 'request'],
  ['sentry.interfaces.Stacktrace', 'stacktrace'],
  ['sentry.interfaces.Contexts', 'contexts'],
  ['sentry.interfaces.Breadcrumbs', 'breadcrumbs'],
  ['sentry.interfaces.Threads', 'threads'],
  ['sentry.interfaces.Csp', 'csp'],
  ['sentry.interfaces.DebugMeta', 'debug_meta'],
  ['sentry.interfaces.Sdk', 'sdk'],
];

export const KEPT_EVENT_TYPES = new Set([
  'error',
  'default',
  'csp',
  'hpkp',
  'expectct',
  'expectstaple',
  'transaction',
]);

export function receiveTimeSeconds(receivedAt: Date): number {
  const valid = receivedAt instanceof Date && !Number.isNaN(receivedAt.getTime());
  return roundMicros((valid ? receivedAt : new Date()).getTime() / 1000);
}

export function withLegacyAliases(raw: PlainObject): PlainObject {
  if (!LEGACY_ALIASES.some(([legacy]) => legacy in raw)) return raw;
  const input: PlainObject = { ...raw };
  for (const [legacy, modern] of LEGACY_ALIASES) {
    if (!(legacy in input)) continue;
    if (input[modern] === undefined || input[modern] === null) input[modern] = input[legacy];
    delete input[legacy];
  }
  return input;
}

export function normalizeEventId(payloadId: unknown, headerId: string | undefined, log: RepairLog): string {
  const fromHeader = parseEventId(headerId);
  if (fromHeader) return fromHeader;
  const fromPayload = parseEventId(payloadId);
  if (fromPayload) return fromPayload;
  if (payloadId !== undefined && payloadId !== null) log.add('invalid_data', 'event_id', payloadId);
  return randomUUID().replace(/-/g, '');
}

function parseEventId(value: unknown): string | undefined {
  return eventIdHex(value) ?? undefined;
}

interface Timestamps {
  timestamp: number;
  start?: number;
  /** Seconds added to every client timestamp to correct the client clock (0 when not needed). */
  driftSeconds: number;
}

export function normalizeTimestamps(
  input: PlainObject,
  ctx: NormalizeContext,
  received: number,
  log: RepairLog,
): Timestamps {
  let driftSeconds = 0;
  const sentAt = ctx.sentAt instanceof Date ? ctx.sentAt.getTime() / 1000 : NaN;
  if (Number.isFinite(sentAt) && Math.abs(received - sentAt) >= NORMALIZE_LIMITS.clockDriftSeconds) {
    driftSeconds = received - sentAt;
    log.add('clock_drift', 'sent_at', secondsToIso(sentAt));
  }

  let timestamp = received;
  if (input.timestamp !== undefined && input.timestamp !== null) {
    const parsed = parseTimestamp(input.timestamp);
    if (parsed === undefined) {
      log.add('invalid_data', 'timestamp', input.timestamp);
    } else {
      timestamp = roundMicros(parsed + driftSeconds);
      if (timestamp - received > NORMALIZE_LIMITS.maxFutureSeconds) {
        log.add('future_timestamp', 'timestamp', secondsToIso(timestamp));
        timestamp = received;
      } else if (received - timestamp > NORMALIZE_LIMITS.maxPastSeconds) {
        log.add('past_timestamp', 'timestamp', secondsToIso(timestamp));
        timestamp = received;
      }
    }
  }

  let start: number | undefined;
  if (input.start_timestamp !== undefined && input.start_timestamp !== null) {
    const parsed = parseTimestamp(input.start_timestamp);
    if (parsed === undefined) log.add('invalid_data', 'start_timestamp', input.start_timestamp);
    else start = roundMicros(parsed + driftSeconds);
  }
  return { timestamp, start, driftSeconds };
}

export function normalizeLevel(value: unknown, type: string | undefined, log: RepairLog): EventLevel {
  const fallback: EventLevel = type === 'transaction' ? 'info' : 'error';
  if (value === undefined || value === null || value === '') return fallback;
  const level = parseLevel(value);
  if (level) return level;
  log.add('invalid_data', 'level', value);
  return fallback;
}

export function normalizePlatform(value: unknown, log: RepairLog): string {
  if (value === undefined || value === null || value === '') return 'other';
  const platform = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (platform && /^[a-z0-9_.-]{1,64}$/.test(platform)) return platform;
  log.add('invalid_data', 'platform', value);
  return 'other';
}

/** Reads an optional short string attribute: stringifies numbers, trims, drops empty values. */
function shortString(
  value: unknown,
  name: string,
  max: number,
  log: RepairLog,
  onTooLong: 'truncate' | 'drop',
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = coerceString(value)?.trim();
  if (text === undefined) {
    log.add('invalid_data', name, value);
    return undefined;
  }
  if (text === '') return undefined;
  if (text.length <= max) return text;
  if (onTooLong === 'drop') {
    log.add('invalid_data', name, text);
    return undefined;
  }
  log.add('value_too_long', name, text.length);
  return truncate(text, max);
}

export function normalizeAttributes(input: PlainObject, event: NormalizedEvent, log: RepairLog): void {
  const limits = NORMALIZE_LIMITS;
  const logger = shortString(input.logger, 'logger', limits.logger, log, 'truncate');
  if (logger) event.logger = logger;
  const serverName = shortString(input.server_name, 'server_name', limits.tagValue, log, 'truncate');
  if (serverName) event.server_name = serverName;
  const site = shortString(input.site, 'site', limits.tagValue, log, 'truncate');
  if (site) event.site = site;
  const release = shortString(input.release, 'release', limits.release, log, 'drop');
  if (release) event.release = release;
  const dist = shortString(input.dist, 'dist', limits.dist, log, 'drop');
  if (dist) event.dist = dist;
  const environment = shortString(input.environment, 'environment', limits.environment, log, 'drop');
  if (environment) event.environment = environment;
  const transaction = shortString(input.transaction, 'transaction', limits.transaction, log, 'truncate');
  if (transaction) event.transaction = transaction;
  const culprit = shortString(input.culprit, 'culprit', limits.culprit, log, 'truncate');
  if (culprit) event.culprit = culprit;
}
