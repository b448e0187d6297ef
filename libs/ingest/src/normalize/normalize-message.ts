/** Normalizes the message (`logentry`, or its `message` alias) by Relay's rules. */
import { formatLogMessage } from './message-format';
import { NORMALIZE_LIMITS } from './normalize-limits';
import { LogEntry } from './normalized-event.types';
import {
  coerceString,
  databagField,
  isPlainObject,
  limitMessage,
  PlainObject,
  RepairLog,
  stripNul,
} from './normalize-utils';

export function normalizeLogEntry(logentry: unknown, message: unknown, log: RepairLog): LogEntry | undefined {
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
