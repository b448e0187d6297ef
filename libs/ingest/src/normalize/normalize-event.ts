import { randomUUID } from 'node:crypto';
import { eventIdHex } from '@app/events';
import { formatLogMessage } from './message-format';
import {
  Breadcrumb,
  CspReport,
  EventContext,
  EventLevel,
  EventRequest,
  EventUser,
  ExceptionValue,
  LogEntry,
  Mechanism,
  NormalizeContext,
  NormalizedEvent,
  Pairs,
  SdkInfo,
  StackFrame,
  Stacktrace,
  Thread,
} from './normalized-event.types';
import {
  coerceBoolean,
  coerceInteger,
  coerceString,
  DatabagLimits,
  guarded,
  isPlainObject,
  PlainObject,
  RepairLog,
  stripNul,
  trimDatabag,
  truncate,
} from './normalize-utils';
import { parseTimestamp, roundMicros, secondsToIso } from './timestamp';
import { withUserAgentContexts } from './user-agent';

/** Size limits of the normalized event (Relay's where it has one, else chosen to keep events bounded). */
export const NORMALIZE_LIMITS = {
  message: 8192,
  exceptionValue: 8192,
  culprit: 200,
  transaction: 200,
  tagKey: 200,
  tagValue: 200,
  logger: 64,
  environment: 64,
  release: 200,
  dist: 64,
  /** Any other single string (frame fields use `frameString`). */
  string: 16 * 1024,
  frameString: 1024,
  contextLines: 20,
  breadcrumbs: 100,
  /** Longer stack traces keep their first and last `framesKeptAtEachEnd` frames. */
  maxFrames: 500,
  framesKeptAtEachEnd: 250,
  exceptionValues: 50,
  threads: 100,
  fingerprintEntries: 50,
  fingerprintEntryChars: 1024,
  modules: 2000,
  databagDepth: 10,
  extraItemChars: 16 * 1024,
  extraTotalChars: 256 * 1024,
  contextChars: 8 * 1024,
  frameVarsChars: 4 * 1024,
  breadcrumbDataChars: 4 * 1024,
  requestDataChars: 8 * 1024,
  debugMetaChars: 256 * 1024,
  /** Relay: timestamps more than this far ahead of the receive time are replaced. */
  maxFutureSeconds: 60,
  maxPastSeconds: 30 * 24 * 3600,
  /** Relay corrects the clock drift when `sent_at` differs from the receive time by this much. */
  clockDriftSeconds: 55 * 60,
} as const;

const LEVEL_ALIASES: Record<string, EventLevel> = {
  fatal: 'fatal',
  critical: 'fatal',
  error: 'error',
  err: 'error',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  log: 'info',
  debug: 'debug',
  trace: 'debug',
};

const PYTHON_LEVELS: Record<number, EventLevel> = {
  10: 'debug',
  20: 'info',
  30: 'warning',
  40: 'error',
  50: 'fatal',
};

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

const KEPT_EVENT_TYPES = new Set([
  'error',
  'default',
  'csp',
  'hpkp',
  'expectct',
  'expectstaple',
  'transaction',
]);
/** Derived from other fields, so an SDK tag with this key is dropped (Relay). */
const RESERVED_TAG_KEYS = new Set(['release', 'dist', 'user', 'filename', 'function']);
const TAG_KEY = /^[a-zA-Z0-9_.:-]+$/;
/** Platforms whose old SDKs expect the server to fill in the client IP (Relay's legacy rule). */
const LEGACY_INFER_IP_PLATFORMS = new Set(['javascript', 'cocoa', 'objc']);
const URL_FILENAME = /^(?:https?|file|applewebdata):\/\//i;

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

// ---------------------------------------------------------------------------------------------------
// Top-level attributes

function receiveTimeSeconds(receivedAt: Date): number {
  const valid = receivedAt instanceof Date && !Number.isNaN(receivedAt.getTime());
  return roundMicros((valid ? receivedAt : new Date()).getTime() / 1000);
}

function withLegacyAliases(raw: PlainObject): PlainObject {
  if (!LEGACY_ALIASES.some(([legacy]) => legacy in raw)) return raw;
  const input: PlainObject = { ...raw };
  for (const [legacy, modern] of LEGACY_ALIASES) {
    if (!(legacy in input)) continue;
    if (input[modern] === undefined || input[modern] === null) input[modern] = input[legacy];
    delete input[legacy];
  }
  return input;
}

function normalizeEventId(payloadId: unknown, headerId: string | undefined, log: RepairLog): string {
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

function normalizeTimestamps(
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

function normalizeLevel(value: unknown, type: string | undefined, log: RepairLog): EventLevel {
  const fallback: EventLevel = type === 'transaction' ? 'info' : 'error';
  if (value === undefined || value === null || value === '') return fallback;
  const level = parseLevel(value);
  if (level) return level;
  log.add('invalid_data', 'level', value);
  return fallback;
}

function parseLevel(value: unknown): EventLevel | undefined {
  if (typeof value === 'number') return PYTHON_LEVELS[value];
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return LEVEL_ALIASES[text] ?? (/^\d+$/.test(text) ? PYTHON_LEVELS[Number(text)] : undefined);
}

function normalizePlatform(value: unknown, log: RepairLog): string {
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

function normalizeAttributes(input: PlainObject, event: NormalizedEvent, log: RepairLog): void {
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

// ---------------------------------------------------------------------------------------------------
// Message

function normalizeLogEntry(logentry: unknown, message: unknown, log: RepairLog): LogEntry | undefined {
  let source: PlainObject | undefined;
  if (isPlainObject(logentry)) source = logentry;
  else if (logentry !== undefined && logentry !== null) {
    if (typeof logentry === 'string') source = { formatted: logentry };
    else log.add('invalid_data', 'logentry', logentry);
  }
  // `message` is a plain string or an object alias of `logentry`; `logentry` wins when both exist.
  if (!source || (source.message == null && source.formatted == null)) {
    if (typeof message === 'string') source = { formatted: message };
    else if (isPlainObject(message)) source = message;
    else if (message !== undefined && message !== null) {
      const text = coerceString(message);
      if (text !== undefined) source = { formatted: text };
      else log.add('invalid_data', 'message', message);
    }
  }
  if (!source) return undefined;

  const result: LogEntry = {};
  const template = messageText(source.message, 'logentry.message', log);
  if (template) result.message = template;
  const params = normalizeParams(source.params, log);
  if (params) result.params = params;
  let formatted = messageText(source.formatted, 'logentry.formatted', log);
  if (!formatted && template) {
    formatted = params ? formatLogMessage(template, params) : template;
    formatted = limitMessage(formatted, 'logentry.formatted', log);
  }
  if (formatted) result.formatted = formatted;
  return result.formatted || result.message ? result : undefined;
}

function messageText(value: unknown, name: string, log: RepairLog): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text = coerceString(value);
  if (text === undefined) {
    try {
      text = stripNul(JSON.stringify(value) ?? '');
    } catch {
      text = undefined;
    }
    log.add('invalid_data', name, value);
  }
  if (!text || text.trim() === '') return undefined;
  return limitMessage(text, name, log);
}

function limitMessage(text: string, name: string, log: RepairLog): string {
  if (text.length <= NORMALIZE_LIMITS.message) return text;
  log.add('value_too_long', name, text.length);
  return truncate(text, NORMALIZE_LIMITS.message);
}

function normalizeParams(value: unknown, log: RepairLog): unknown[] | Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) && !isPlainObject(value)) {
    // A lone scalar is treated as a one-element list.
    const text = coerceString(value);
    if (text === undefined) {
      log.add('invalid_data', 'logentry.params', value);
      return undefined;
    }
    return [text];
  }
  const params = databagField(
    value,
    'logentry.params',
    { maxDepth: 5, maxChars: NORMALIZE_LIMITS.message },
    log,
  );
  if (Array.isArray(params)) return params.length ? params : undefined;
  return isPlainObject(params) && Object.keys(params).length ? params : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Exceptions, stack traces, threads

/** `{values: [...]}`, a bare list, or a single object → the list (anything else is recorded and dropped). */
function listValues(value: unknown, name: string, log: RepairLog): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) {
    if ('values' in value) {
      if (Array.isArray(value.values)) return value.values;
      if (value.values === null || value.values === undefined) return [];
      log.add('invalid_data', `${name}.values`, value.values);
      return undefined;
    }
    return [value];
  }
  log.add('invalid_data', name, value);
  return undefined;
}

function normalizeExceptionsAndThreads(input: PlainObject, event: NormalizedEvent, log: RepairLog): void {
  const rawValues = listValues(input.exception, 'exception', log) ?? [];
  let values: ExceptionValue[] = [];
  rawValues.forEach((raw, index) => {
    const name = `exception.values.${index}`;
    const value = normalizeExceptionValue(raw, name, log);
    if (value) values.push(value);
  });
  if (values.length > NORMALIZE_LIMITS.exceptionValues) {
    log.add('items_trimmed', 'exception.values', values.length);
    // The last value is the one that was thrown: keep the newest ones.
    values = values.slice(-NORMALIZE_LIMITS.exceptionValues);
  }

  let stacktrace: Stacktrace | undefined;
  if (input.stacktrace !== undefined && input.stacktrace !== null) {
    stacktrace = normalizeStacktrace(input.stacktrace, 'stacktrace', log);
  }
  // Relay: a top-level stack trace belongs to a lone exception that has none.
  if (stacktrace && values.length === 1 && !values[0].stacktrace) {
    values[0].stacktrace = stacktrace;
    stacktrace = undefined;
  }
  if (values.length) event.exception = { values };
  if (stacktrace) event.stacktrace = stacktrace;

  const rawThreads = listValues(input.threads, 'threads', log) ?? [];
  const threads: Thread[] = [];
  for (const [index, raw] of rawThreads.entries()) {
    if (threads.length >= NORMALIZE_LIMITS.threads) {
      log.add('items_trimmed', 'threads.values', rawThreads.length);
      break;
    }
    const thread = normalizeThread(raw, `threads.values.${index}`, log);
    if (thread) threads.push(thread);
  }
  if (threads.length) event.threads = { values: threads };
}

function normalizeExceptionValue(raw: unknown, name: string, log: RepairLog): ExceptionValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!isPlainObject(raw)) {
    log.add('invalid_data', name, raw);
    return undefined;
  }
  const result: ExceptionValue = {};
  let type = coerceString(raw.type)?.trim();
  let value = exceptionValueText(raw.value, `${name}.value`, log);

  let mechanism: Mechanism | undefined;
  if (raw.mechanism !== undefined && raw.mechanism !== null) {
    mechanism = normalizeMechanism(raw.mechanism, `${name}.mechanism`, log);
  }
  // Relay splits "TypeError: message" when an SDK only sent a value (a space after the colon keeps URLs whole).
  if (!type && value && !mechanism?.synthetic) {
    const match = /^([A-Za-z_$][\w.$]*):\s+(.*)$/s.exec(value);
    if (match) {
      type = match[1];
      value = match[2];
    }
  }
  if (!type && !value) {
    log.add('invalid_data', name, 'exception has neither type nor value');
    return undefined;
  }
  if (type) result.type = truncate(type, 256);
  if (value) result.value = value;
  const module = coerceString(raw.module);
  if (module) result.module = truncate(module, NORMALIZE_LIMITS.frameString);
  if (typeof raw.thread_id === 'number' || typeof raw.thread_id === 'string')
    result.thread_id = raw.thread_id;
  if (mechanism) result.mechanism = mechanism;
  if (raw.stacktrace !== undefined && raw.stacktrace !== null) {
    const stacktrace = normalizeStacktrace(raw.stacktrace, `${name}.stacktrace`, log);
    if (stacktrace) result.stacktrace = stacktrace;
  }
  if (raw.raw_stacktrace !== undefined && raw.raw_stacktrace !== null) {
    const rawStacktrace = normalizeStacktrace(raw.raw_stacktrace, `${name}.raw_stacktrace`, log);
    if (rawStacktrace) result.raw_stacktrace = rawStacktrace;
  }
  return result;
}

function exceptionValueText(value: unknown, name: string, log: RepairLog): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text = coerceString(value);
  if (text === undefined) {
    // Relay accepts any JSON here and keeps it as text.
    try {
      text = stripNul(JSON.stringify(value) ?? '');
    } catch {
      log.add('invalid_data', name, value);
      return undefined;
    }
  }
  if (text.length > NORMALIZE_LIMITS.exceptionValue) {
    log.add('value_too_long', name, text.length);
    text = truncate(text, NORMALIZE_LIMITS.exceptionValue);
  }
  return text === '' ? undefined : text;
}

function normalizeMechanism(raw: unknown, name: string, log: RepairLog): Mechanism | undefined {
  if (!isPlainObject(raw)) {
    log.add('invalid_data', name, raw);
    return undefined;
  }
  let type = coerceString(raw.type)?.trim();
  if (!type) {
    log.add('missing_attribute', `${name}.type`);
    type = 'generic';
  }
  const mechanism: Mechanism = { type: truncate(type, 128) };
  const handled = coerceBoolean(raw.handled);
  if (handled !== undefined) mechanism.handled = handled;
  const synthetic = coerceBoolean(raw.synthetic);
  if (synthetic !== undefined) mechanism.synthetic = synthetic;
  const groupFlag = coerceBoolean(raw.is_exception_group);
  if (groupFlag !== undefined) mechanism.is_exception_group = groupFlag;
  for (const key of ['description', 'help_link', 'source'] as const) {
    const text = coerceString(raw[key]);
    if (text) mechanism[key] = truncate(text, NORMALIZE_LIMITS.frameString);
  }
  for (const key of ['exception_id', 'parent_id'] as const) {
    const id = coerceInteger(raw[key]);
    if (id !== undefined) mechanism[key] = id;
  }
  for (const key of ['meta', 'data'] as const) {
    const bag = databagField(raw[key], `${name}.${key}`, { maxDepth: 5, maxChars: 4096 }, log);
    if (isPlainObject(bag)) mechanism[key] = bag;
  }
  return mechanism;
}

function normalizeStacktrace(raw: unknown, name: string, log: RepairLog): Stacktrace | undefined {
  if (!isPlainObject(raw)) {
    log.add('invalid_data', name, raw);
    return undefined;
  }
  if (raw.frames === undefined || raw.frames === null) return undefined;
  if (!Array.isArray(raw.frames)) {
    log.add('invalid_data', `${name}.frames`, raw.frames);
    return undefined;
  }
  let rawFrames: unknown[] = raw.frames;
  let omitted: [number, number] | undefined;
  const { maxFrames, framesKeptAtEachEnd } = NORMALIZE_LIMITS;
  if (rawFrames.length > maxFrames) {
    // Keep both ends: the entry point and the crash site matter most.
    omitted = [framesKeptAtEachEnd, rawFrames.length - framesKeptAtEachEnd];
    rawFrames = [...rawFrames.slice(0, framesKeptAtEachEnd), ...rawFrames.slice(-framesKeptAtEachEnd)];
    log.add('items_trimmed', `${name}.frames`, raw.frames.length);
  }
  const frames: StackFrame[] = [];
  rawFrames.forEach((frame, index) => {
    const normalized = normalizeFrame(frame, `${name}.frames.${index}`, log);
    if (normalized) frames.push(normalized);
  });
  if (!frames.length) return undefined;
  const stacktrace: Stacktrace = { frames };
  if (omitted) stacktrace.frames_omitted = omitted;
  if (isPlainObject(raw.registers)) {
    const registers: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.registers)) {
      const text = coerceString(value);
      if (text !== undefined && key !== '__proto__') registers[stripNul(key)] = truncate(text, 64);
    }
    stacktrace.registers = registers;
  }
  return stacktrace;
}

const FRAME_STRING_FIELDS = [
  'filename',
  'abs_path',
  'function',
  'raw_function',
  'module',
  'package',
  'platform',
  'symbol',
  'instruction_addr',
  'symbol_addr',
  'image_addr',
  'addr_mode',
  'source_link',
] as const;

function normalizeFrame(raw: unknown, name: string, log: RepairLog): StackFrame | undefined {
  if (!isPlainObject(raw)) {
    log.add('invalid_data', name, raw);
    return undefined;
  }
  const frame: StackFrame = {};
  for (const key of FRAME_STRING_FIELDS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const text = coerceString(value);
    if (text === undefined || text === '') continue;
    frame[key] = truncateFrameString(text, `${name}.${key}`, log);
  }
  const lineno = coerceInteger(raw.lineno);
  if (lineno !== undefined && lineno >= 0) frame.lineno = lineno;
  const colno = coerceInteger(raw.colno);
  if (colno !== undefined && colno >= 0) frame.colno = colno;
  const inApp = coerceBoolean(raw.in_app);
  if (inApp !== undefined) frame.in_app = inApp;
  const stackStart = coerceBoolean(raw.stack_start);
  if (stackStart !== undefined) frame.stack_start = stackStart;

  if (typeof raw.context_line === 'string') {
    frame.context_line = truncateFrameString(stripNul(raw.context_line), `${name}.context_line`, log);
  }
  for (const key of ['pre_context', 'post_context'] as const) {
    const lines = raw[key];
    if (!Array.isArray(lines)) continue;
    // Null lines become "" (GlitchTip), and only the lines nearest the context line are kept.
    const kept =
      key === 'pre_context'
        ? lines.slice(-NORMALIZE_LIMITS.contextLines)
        : lines.slice(0, NORMALIZE_LIMITS.contextLines);
    frame[key] = kept.map((line) => truncate(coerceString(line) ?? '', NORMALIZE_LIMITS.frameString));
  }
  const vars = databagField(
    raw.vars,
    `${name}.vars`,
    { maxDepth: 5, maxChars: NORMALIZE_LIMITS.frameVarsChars },
    log,
  );
  if (isPlainObject(vars)) frame.vars = vars;
  const data = databagField(raw.data, `${name}.data`, { maxDepth: 5, maxChars: 2048 }, log);
  if (isPlainObject(data)) frame.data = data;

  // Keep the URL in abs_path and show its path as the filename (GlitchTip, Sentry's JS processing).
  if (frame.filename && !frame.abs_path) frame.abs_path = frame.filename;
  if (frame.filename && URL_FILENAME.test(frame.filename)) frame.filename = urlPath(frame.filename);
  return frame;
}

function truncateFrameString(text: string, name: string, log: RepairLog): string {
  if (text.length <= NORMALIZE_LIMITS.frameString) return text;
  log.add('value_too_long', name, text.length);
  return truncate(text, NORMALIZE_LIMITS.frameString);
}

function urlPath(url: string): string {
  const withoutScheme = url.replace(URL_FILENAME, '');
  const slash = withoutScheme.indexOf('/');
  const path = slash === -1 ? '/' : withoutScheme.slice(slash);
  return path.replace(/[?#].*$/, '') || '/';
}

function normalizeThread(raw: unknown, name: string, log: RepairLog): Thread | undefined {
  if (!isPlainObject(raw)) {
    if (raw !== null && raw !== undefined) log.add('invalid_data', name, raw);
    return undefined;
  }
  const thread: Thread = {};
  if (typeof raw.id === 'number' || typeof raw.id === 'string') thread.id = raw.id;
  const threadName = coerceString(raw.name);
  if (threadName) thread.name = truncate(threadName, NORMALIZE_LIMITS.frameString);
  for (const key of ['crashed', 'current', 'main'] as const) {
    const flag = coerceBoolean(raw[key]);
    if (flag !== undefined) thread[key] = flag;
  }
  const state = coerceString(raw.state);
  if (state) thread.state = truncate(state, 64);
  if (raw.stacktrace !== undefined && raw.stacktrace !== null) {
    const stacktrace = normalizeStacktrace(raw.stacktrace, `${name}.stacktrace`, log);
    if (stacktrace) thread.stacktrace = stacktrace;
  }
  const locks = databagField(raw.held_locks, `${name}.held_locks`, { maxDepth: 4, maxChars: 4096 }, log);
  if (isPlainObject(locks)) thread.held_locks = locks;
  return thread;
}

// ---------------------------------------------------------------------------------------------------
// Breadcrumbs

function normalizeBreadcrumbs(
  value: unknown,
  driftSeconds: number,
  log: RepairLog,
): Breadcrumb[] | undefined {
  let items = listValues(value, 'breadcrumbs', log);
  if (!items || !items.length) return undefined;
  if (items.length > NORMALIZE_LIMITS.breadcrumbs) {
    log.add('items_trimmed', 'breadcrumbs.values', items.length);
    // Breadcrumbs are oldest → newest: the newest ones explain the event.
    items = items.slice(-NORMALIZE_LIMITS.breadcrumbs);
  }
  const breadcrumbs: Breadcrumb[] = [];
  items.forEach((raw, index) => {
    const name = `breadcrumbs.values.${index}`;
    if (!isPlainObject(raw)) {
      if (raw !== null && raw !== undefined) log.add('invalid_data', name, raw);
      return;
    }
    const crumb: Breadcrumb = {};
    if (raw.timestamp !== undefined && raw.timestamp !== null) {
      const timestamp = parseTimestamp(raw.timestamp);
      if (timestamp === undefined) log.add('invalid_data', `${name}.timestamp`, raw.timestamp);
      else crumb.timestamp = roundMicros(timestamp + driftSeconds);
    }
    for (const key of ['type', 'category', 'event_id'] as const) {
      const text = coerceString(raw[key]);
      if (text) crumb[key] = truncate(text, 256);
    }
    if (raw.level !== undefined && raw.level !== null) {
      const level = parseLevel(raw.level);
      if (level) crumb.level = level;
      else log.add('invalid_data', `${name}.level`, raw.level);
    }
    const message = coerceString(raw.message);
    if (message) crumb.message = limitMessage(message, `${name}.message`, log);
    const data = databagField(
      raw.data,
      `${name}.data`,
      { maxDepth: 5, maxChars: NORMALIZE_LIMITS.breadcrumbDataChars },
      log,
    );
    if (isPlainObject(data)) crumb.data = data;
    breadcrumbs.push(crumb);
  });
  return breadcrumbs.length ? breadcrumbs : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Tags, extra, contexts

function normalizeTags(value: unknown, event: NormalizedEvent, log: RepairLog): Pairs {
  if (value === undefined || value === null) return [];
  let entries: Array<[unknown, unknown]>;
  if (Array.isArray(value)) {
    entries = [];
    value.forEach((pair, index) => {
      if (Array.isArray(pair) && pair.length === 2) entries.push([pair[0], pair[1]]);
      else log.add('invalid_data', `tags.${index}`, pair);
    });
  } else if (isPlainObject(value)) {
    entries = Object.entries(value);
  } else {
    log.add('invalid_data', 'tags', value);
    return [];
  }

  const tags: Pairs = [];
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of entries) {
    const keyText = coerceString(rawKey)?.trim().replace(/\s+/g, '-');
    if (!keyText) {
      log.add('invalid_data', 'tags', rawKey);
      continue;
    }
    let key = keyText;
    if (key.length > NORMALIZE_LIMITS.tagKey) {
      log.add('value_too_long', `tags.${key.slice(0, 50)}`, key.length);
      key = key.slice(0, NORMALIZE_LIMITS.tagKey);
    }
    if (!TAG_KEY.test(key)) {
      log.add('invalid_data', 'tags', key);
      continue;
    }
    if (rawValue === null || rawValue === undefined) continue;
    // Python-style booleans, as Sentry shows them ("True").
    let tagValue =
      typeof rawValue === 'boolean' ? (rawValue ? 'True' : 'False') : coerceString(rawValue)?.trim();
    if (tagValue === undefined || tagValue === '' || /[\r\n]/.test(tagValue)) {
      log.add('invalid_data', `tags.${key}`, rawValue);
      continue;
    }
    if (tagValue.length > NORMALIZE_LIMITS.tagValue) {
      log.add('value_too_long', `tags.${key}`, tagValue.length);
      tagValue = truncate(tagValue, NORMALIZE_LIMITS.tagValue);
    }
    if (key === 'environment') {
      // Lifted into the field when it is absent; the derived `environment` tag comes back from the field.
      if (!event.environment && tagValue.length <= NORMALIZE_LIMITS.environment) event.environment = tagValue;
      continue;
    }
    if (RESERVED_TAG_KEYS.has(key) || seen.has(key)) continue;
    seen.add(key);
    tags.push([key, tagValue]);
  }
  return tags;
}

function databagField(value: unknown, name: string, limits: DatabagLimits, log: RepairLog): unknown {
  if (value === undefined || value === null) return undefined;
  const { value: copy, trimmed } = trimDatabag(value, limits);
  if (trimmed) log.add('items_trimmed', name);
  return copy;
}

function normalizeExtra(value: unknown, log: RepairLog): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'extra', value);
    return undefined;
  }
  const extra: Record<string, unknown> = {};
  let budget = NORMALIZE_LIMITS.extraTotalChars;
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') continue;
    if (budget <= 0) {
      log.add('items_trimmed', 'extra', Object.keys(value).length);
      break;
    }
    const { value: copy, trimmed } = trimDatabag(item, {
      maxDepth: NORMALIZE_LIMITS.databagDepth,
      maxChars: Math.min(NORMALIZE_LIMITS.extraItemChars, budget),
    });
    if (trimmed) log.add('items_trimmed', `extra.${key.slice(0, 100)}`);
    if (copy === undefined) continue;
    budget -= approximateSize(copy) + key.length;
    extra[stripNul(key)] = copy;
  }
  return Object.keys(extra).length ? extra : undefined;
}

function approximateSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  try {
    return JSON.stringify(value).length;
  } catch {
    return 0;
  }
}

function normalizeContexts(value: unknown, log: RepairLog): Record<string, EventContext> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'contexts', value);
    return undefined;
  }
  const contexts: Record<string, EventContext> = {};
  for (const [rawKey, raw] of Object.entries(value)) {
    const key = stripNul(rawKey);
    if (!key || key === '__proto__') continue;
    if (raw === null || raw === undefined) continue;
    if (!isPlainObject(raw)) {
      log.add('invalid_data', `contexts.${key}`, raw);
      continue;
    }
    const copy = databagField(
      raw,
      `contexts.${key}`,
      { maxDepth: NORMALIZE_LIMITS.databagDepth, maxChars: NORMALIZE_LIMITS.contextChars },
      log,
    ) as PlainObject;
    const type = typeof copy.type === 'string' && copy.type ? copy.type : key;
    const context: EventContext = { ...copy, type };
    if (type === 'os') fillFromRawDescription(context, parseOsDescription);
    if (type === 'runtime') fillFromRawDescription(context, parseRuntimeDescription);
    contexts[key] = context;
  }
  return Object.keys(contexts).length ? contexts : undefined;
}

/** Relay reads `name`/`version` out of `raw_description` when the SDK only sent the latter (.NET does). */
function fillFromRawDescription(
  context: EventContext,
  parse: (description: string) => { name?: string; version?: string; kernel_version?: string },
): void {
  if (typeof context.name === 'string' && context.name) return;
  if (typeof context.raw_description !== 'string') return;
  const parsed = parse(context.raw_description);
  for (const [key, value] of Object.entries(parsed)) {
    if (value && context[key] === undefined) context[key] = value;
  }
}

function parseOsDescription(description: string): {
  name?: string;
  version?: string;
  kernel_version?: string;
} {
  const text = description.trim();
  let match = /^(?:Microsoft )?Windows(?: NT)? (\d+(?:\.\d+)*)/.exec(text);
  if (match) return { name: 'Windows', version: match[1] };
  match = /^(Linux|Darwin|FreeBSD|OpenBSD|NetBSD)\s+(\S+)/.exec(text);
  if (match) return { name: match[1], kernel_version: match[2] };
  match = /^(?:macOS|Mac OS X)\s+(\d+(?:\.\d+)*)/.exec(text);
  if (match) return { name: 'macOS', version: match[1] };
  match = /^([A-Za-z][\w ]*?)\s+v?(\d+(?:\.\d+)*)/.exec(text);
  return match ? { name: match[1], version: match[2] } : {};
}

function parseRuntimeDescription(description: string): { name?: string; version?: string } {
  const match = /^(.*?)\s+v?(\d+(?:\.\d+)*\S*)/.exec(description.trim());
  return match ? { name: match[1], version: match[2] } : {};
}

// ---------------------------------------------------------------------------------------------------
// User, request, SDK

function normalizeUser(
  value: unknown,
  event: NormalizedEvent,
  clientIp: string | undefined,
  log: RepairLog,
): EventUser | undefined {
  let raw: PlainObject = {};
  if (isPlainObject(value)) raw = value;
  else if (value !== undefined && value !== null) log.add('invalid_data', 'user', value);

  const user: EventUser = {};
  const data: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(raw)) {
    if (item === undefined || item === null || key === '__proto__') continue;
    switch (key) {
      case 'id':
      case 'email':
      case 'username':
      case 'name':
      case 'segment':
      case 'ip_address': {
        const text = coerceString(item)?.trim();
        if (text === undefined) log.add('invalid_data', `user.${key}`, item);
        else if (text) user[key] = truncate(text, key === 'email' ? 256 : NORMALIZE_LIMITS.frameString);
        break;
      }
      case 'geo':
      case 'data': {
        const bag = databagField(item, `user.${key}`, { maxDepth: 5, maxChars: 4096 }, log);
        if (isPlainObject(bag)) {
          if (key === 'geo') user.geo = bag;
          else Object.assign(data, bag);
        } else log.add('invalid_data', `user.${key}`, item);
        break;
      }
      default:
        data[stripNul(key)] = trimDatabag(item, { maxDepth: 5, maxChars: 2048 }).value;
    }
  }
  if (Object.keys(data).length) user.data = data;

  const ip = resolveUserIp(user.ip_address, event, clientIp);
  if (ip === undefined) delete user.ip_address;
  else if (isIpAddress(ip)) user.ip_address = ip;
  else {
    log.add('invalid_data', 'user.ip_address', ip);
    delete user.ip_address;
  }
  return Object.keys(user).length ? user : undefined;
}

function resolveUserIp(
  ip: string | undefined,
  event: NormalizedEvent,
  clientIp: string | undefined,
): string | undefined {
  if (ip === '{{auto}}') return clientIp;
  if (ip) return ip;
  const remoteAddr = event.request?.env?.REMOTE_ADDR;
  if (typeof remoteAddr === 'string' && isIpAddress(remoteAddr)) return remoteAddr;
  const inferIp = event.sdk?.settings?.infer_ip;
  if (inferIp === 'auto') return clientIp;
  if (inferIp === undefined && LEGACY_INFER_IP_PLATFORMS.has(event.platform)) return clientIp;
  return undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  // IPv6 (optionally with a zone or an embedded IPv4 tail): hex groups and at most one "::".
  const address = value.replace(/%[\w.]+$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  if ((address.match(/::/g) ?? []).length > 1) return false;
  const groups = address.split(':');
  const last = groups[groups.length - 1];
  if (last.includes('.') && !IPV4.test(last)) return false;
  return (
    groups.length <= 8 &&
    groups.every((group) => group === '' || /^[0-9a-fA-F]{1,4}$/.test(group) || group === last)
  );
}

function normalizeRequest(
  value: unknown,
  clientIp: string | undefined,
  log: RepairLog,
): EventRequest | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'request', value);
    return undefined;
  }
  const request: EventRequest = {};
  let urlQuery: string | undefined;
  const url = coerceString(value.url)?.trim();
  if (url) {
    // The query string and fragment live in their own fields (Relay).
    let rest = url;
    const hash = rest.indexOf('#');
    if (hash !== -1) {
      const fragment = rest.slice(hash + 1);
      if (fragment) request.fragment = truncate(fragment, 1024);
      rest = rest.slice(0, hash);
    }
    const question = rest.indexOf('?');
    if (question !== -1) {
      urlQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
    request.url = truncate(rest, 2048);
  }
  const method = coerceString(value.method)?.trim();
  if (method) request.method = method.toUpperCase().slice(0, 32);
  const fragment = coerceString(value.fragment);
  if (fragment) request.fragment = truncate(fragment, 1024);

  const query = pairsFrom(value.query_string ?? urlQuery, 'request.query_string', 'query', log);
  if (query?.length) request.query_string = query;
  const cookies = pairsFrom(value.cookies, 'request.cookies', 'cookie', log);
  if (cookies?.length) request.cookies = cookies;
  const headers = pairsFrom(value.headers, 'request.headers', 'header', log)
    ?.map(([name, headerValue]): [string, string] => [canonicalHeaderName(name), headerValue])
    .filter(([name]) => name !== 'Cookie');
  if (headers?.length) request.headers = sortPairs(headers);

  const env = databagField(value.env, 'request.env', { maxDepth: 3, maxChars: 4096 }, log);
  if (isPlainObject(env)) {
    if (env.REMOTE_ADDR === '{{auto}}') {
      if (clientIp) env.REMOTE_ADDR = clientIp;
      else delete env.REMOTE_ADDR;
    }
    request.env = env;
  }
  if (value.data !== undefined && value.data !== null && value.data !== '') {
    if (typeof value.data === 'string') {
      let text = stripNul(value.data);
      if (text.length > NORMALIZE_LIMITS.requestDataChars) {
        log.add('value_too_long', 'request.data', text.length);
        text = truncate(text, NORMALIZE_LIMITS.requestDataChars);
      }
      request.data = text;
    } else {
      request.data = databagField(
        value.data,
        'request.data',
        { maxDepth: 5, maxChars: NORMALIZE_LIMITS.requestDataChars },
        log,
      );
    }
  }
  const contentType = coerceString(value.inferred_content_type);
  if (contentType) request.inferred_content_type = truncate(contentType, 128);
  return Object.keys(request).length ? request : undefined;
}

/** Headers, cookies and query strings arrive as an object, a list of pairs, or a raw string. */
function pairsFrom(
  value: unknown,
  name: string,
  kind: 'query' | 'cookie' | 'header',
  log: RepairLog,
): Pairs | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let pairs: Pairs = [];
  if (typeof value === 'string') {
    pairs = parseRawPairs(stripNul(value), kind);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item) && item.length === 2) addPair(pairs, item[0], item[1]);
      else log.add('invalid_data', name, item);
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) addPair(pairs, key, item);
  } else {
    log.add('invalid_data', name, value);
    return undefined;
  }
  if (pairs.length > 200) {
    log.add('items_trimmed', name, pairs.length);
    pairs = pairs.slice(0, 200);
  }
  return kind === 'header' ? pairs : sortPairs(pairs);
}

function addPair(pairs: Pairs, key: unknown, value: unknown): void {
  const name = coerceString(key)?.trim();
  if (!name) return;
  // PHP sends {"Header": ["value"]}.
  const values = Array.isArray(value) ? value : [value];
  const text = values
    .map((item) => coerceString(item))
    .filter((item): item is string => item !== undefined)
    .join(', ');
  if (value !== null && value !== undefined) pairs.push([truncate(name, 256), truncate(text, 2048)]);
}

function parseRawPairs(text: string, kind: 'query' | 'cookie' | 'header'): Pairs {
  const pairs: Pairs = [];
  if (kind === 'header') {
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) addPair(pairs, line.slice(0, colon), line.slice(colon + 1).trim());
    }
    return pairs;
  }
  const separator = kind === 'cookie' ? /;\s*/ : '&';
  const body = kind === 'query' ? text.replace(/^\?/, '') : text;
  for (const part of body.split(separator)) {
    if (!part) continue;
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    const value = equals === -1 ? '' : part.slice(equals + 1);
    addPair(
      pairs,
      kind === 'query' ? decodeQueryPart(key) : key.trim(),
      kind === 'query' ? decodeQueryPart(value) : value,
    );
  }
  return pairs;
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1).toLowerCase() : part))
    .join('-');
}

function sortPairs(pairs: Pairs): Pairs {
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function normalizeSdk(value: unknown, sentryClient: string | undefined, log: RepairLog): SdkInfo | undefined {
  if (!isPlainObject(value)) {
    if (value !== undefined && value !== null) log.add('invalid_data', 'sdk', value);
    // Backfilled from the `sentry_client` auth value ("name/version").
    const match = sentryClient ? /^([^/\s]+)\/(\S+)/.exec(sentryClient) : null;
    return match ? { name: match[1], version: match[2] } : undefined;
  }
  const sdk: SdkInfo = {};
  const name = coerceString(value.name)?.trim();
  if (name) sdk.name = truncate(name, 256);
  const version = coerceString(value.version)?.trim();
  if (version) sdk.version = truncate(version, 256);
  if (Array.isArray(value.integrations)) {
    sdk.integrations = value.integrations
      .map((item) => coerceString(item))
      .filter((item): item is string => !!item)
      .slice(0, 200)
      .map((item) => truncate(item, 256));
  } else if (value.integrations !== undefined && value.integrations !== null) {
    log.add('invalid_data', 'sdk.integrations', value.integrations);
  }
  if (Array.isArray(value.packages)) {
    sdk.packages = value.packages
      .filter(isPlainObject)
      .map((item) => ({ name: coerceString(item.name) ?? '', version: coerceString(item.version) ?? '' }))
      .filter((item) => item.name)
      .slice(0, 200);
  } else if (value.packages !== undefined && value.packages !== null) {
    log.add('invalid_data', 'sdk.packages', value.packages);
  }
  const settings = databagField(value.settings, 'sdk.settings', { maxDepth: 3, maxChars: 2048 }, log);
  if (isPlainObject(settings)) sdk.settings = settings;
  return Object.keys(sdk).length ? sdk : undefined;
}

function normalizeFingerprint(value: unknown, log: RepairLog): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    log.add('invalid_data', 'fingerprint', value);
    return undefined;
  }
  const fingerprint: string[] = [];
  for (const item of value) {
    const text = coerceString(item);
    if (text === undefined) {
      log.add('invalid_data', 'fingerprint', item);
      continue;
    }
    if (fingerprint.length >= NORMALIZE_LIMITS.fingerprintEntries) {
      log.add('items_trimmed', 'fingerprint', value.length);
      break;
    }
    fingerprint.push(truncate(text, NORMALIZE_LIMITS.fingerprintEntryChars));
  }
  return fingerprint.length ? fingerprint : undefined;
}

function normalizeModules(value: unknown, log: RepairLog): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'modules', value);
    return undefined;
  }
  const modules: Record<string, string> = {};
  let count = 0;
  for (const [name, version] of Object.entries(value)) {
    const text = coerceString(version);
    if (text === undefined || name === '__proto__') continue;
    if (++count > NORMALIZE_LIMITS.modules) {
      log.add('items_trimmed', 'modules', Object.keys(value).length);
      break;
    }
    modules[truncate(stripNul(name), 256)] = truncate(text, 256);
  }
  return count ? modules : undefined;
}

const CSP_STRING_FIELDS = [
  'blocked_uri',
  'document_uri',
  'effective_directive',
  'violated_directive',
  'original_policy',
  'referrer',
  'disposition',
  'source_file',
  'script_sample',
] as const;

function normalizeCsp(value: unknown, log: RepairLog): CspReport | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'csp', value);
    return undefined;
  }
  // Browsers send kebab-case keys; the interface uses snake_case.
  const raw: PlainObject = {};
  for (const [key, item] of Object.entries(value)) raw[key.replace(/-/g, '_')] = item;
  const csp: CspReport = {};
  for (const key of CSP_STRING_FIELDS) {
    const text = coerceString(raw[key]);
    if (text !== undefined) csp[key] = truncate(text, key === 'original_policy' ? 8192 : 2048);
  }
  for (const key of ['status_code', 'line_number', 'column_number'] as const) {
    const number = coerceInteger(raw[key]);
    if (number !== undefined) csp[key] = number;
  }
  if (!csp.effective_directive && csp.violated_directive) {
    csp.effective_directive = csp.violated_directive.trim().split(/\s+/)[0];
  }
  return Object.keys(csp).length ? csp : undefined;
}
