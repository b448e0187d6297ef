/** Normalizes exceptions, stack traces and threads by Relay's rules (frames as GlitchTip shows them). */
import { NORMALIZE_LIMITS } from './normalize-limits';
import {
  ExceptionValue,
  Mechanism,
  NormalizedEvent,
  StackFrame,
  Stacktrace,
  Thread,
} from './normalized-event.types';
import {
  coerceBoolean,
  coerceInteger,
  coerceString,
  databagField,
  isPlainObject,
  listValues,
  PlainObject,
  RepairLog,
  stripNul,
  truncate,
} from './normalize-utils';

const URL_FILENAME = /^(?:https?|file|applewebdata):\/\//i;

export function normalizeExceptionsAndThreads(
  input: PlainObject,
  event: NormalizedEvent,
  log: RepairLog,
): void {
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
