import { NORMALIZE_LIMITS } from './normalize-limits';
import { EventLevel, NormalizationError } from './normalized-event.types';

/** Repairs are capped so that a pathological payload cannot blow up the `errors` list itself. */
const MAX_RECORDED_ERRORS = 100;
const ERROR_VALUE_PREVIEW_CHARS = 200;

/** Collects the repairs done while normalizing one event. */
export class RepairLog {
  readonly errors: NormalizationError[] = [];
  private dropped = 0;

  add(type: string, name?: string, value?: unknown): void {
    if (this.errors.length >= MAX_RECORDED_ERRORS) {
      this.dropped++;
      return;
    }
    const error: NormalizationError = { type };
    if (name !== undefined && name !== '') error.name = name;
    const preview = previewValue(value);
    if (preview !== undefined) error.value = preview;
    this.errors.push(error);
  }

  /** Final list; says how many repairs were not listed when the cap was hit. */
  finish(): NormalizationError[] {
    if (this.dropped > 0) this.errors.push({ type: 'items_trimmed', name: 'errors', value: this.dropped });
    return this.errors;
  }
}

function previewValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return truncate(stripNul(value), ERROR_VALUE_PREVIEW_CHARS);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : truncate(json, ERROR_VALUE_PREVIEW_CHARS);
  } catch {
    return String(value);
  }
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type WellFormable = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * Removes what PostgreSQL refuses in text and jsonb: NUL characters, and lone UTF-16 surrogates (which JSON allows
 * as `\ud800` escapes), replaced by U+FFFD.
 */
export function stripNul(value: string): string {
  const withoutNul = value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  return (withoutNul as WellFormable).isWellFormed()
    ? withoutNul
    : (withoutNul as WellFormable).toWellFormed();
}

/** Cuts to at most `max` characters ending in `...` (Sentry's `truncatechars`), never splitting a surrogate pair. */
export function truncate(value: string, max: number, ellipsis = '...'): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - ellipsis.length);
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return value.slice(0, end) + ellipsis;
}

/** A string from a string (NUL removed) or a number/boolean (stringified); anything else is `undefined`. */
export function coerceString(value: unknown): string | undefined {
  if (typeof value === 'string') return stripNul(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

export function coerceInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return parseInt(value, 10);
  return undefined;
}

export function coerceBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1) return true;
  if (value === 'false' || value === 0) return false;
  return undefined;
}

export interface DatabagLimits {
  /** Containers nested deeper than this are replaced by `"[Object]"` / `"[Array]"`. */
  maxDepth: number;
  /** Rough budget in characters of the serialized result; what does not fit is dropped. */
  maxChars: number;
  /** Longest single string kept. */
  maxString?: number;
}

export interface DatabagResult {
  value: unknown;
  trimmed: boolean;
}

const DEFAULT_MAX_STRING = 16 * 1024;

/**
 * Copies free-form data (extra, contexts, vars...) into a JSON-safe value bounded in depth and size,
 * removing NUL characters. Containers past the depth limit become `"[Object]"`/`"[Array]"` (as the JS SDK does).
 */
export function trimDatabag(value: unknown, limits: DatabagLimits): DatabagResult {
  const state = { remaining: limits.maxChars, trimmed: false };
  const maxString = limits.maxString ?? DEFAULT_MAX_STRING;

  const walk = (input: unknown, depth: number): unknown => {
    if (input === null) {
      state.remaining -= 4;
      return null;
    }
    switch (typeof input) {
      case 'string': {
        const clean = stripNul(input);
        const limit = Math.min(maxString, Math.max(state.remaining, 16));
        state.remaining -= Math.min(clean.length, limit) + 2;
        if (clean.length > limit) {
          state.trimmed = true;
          return truncate(clean, limit);
        }
        return clean;
      }
      case 'number':
        state.remaining -= 8;
        return Number.isFinite(input) ? input : null;
      case 'boolean':
        state.remaining -= 5;
        return input;
      case 'bigint':
        state.remaining -= 20;
        return input.toString();
      case 'object':
        break;
      default:
        return undefined;
    }
    if (Array.isArray(input)) {
      if (depth >= limits.maxDepth) {
        state.trimmed = true;
        return '[Array]';
      }
      const out: unknown[] = [];
      state.remaining -= 2;
      for (const item of input) {
        if (state.remaining <= 0) {
          state.trimmed = true;
          break;
        }
        const copy = walk(item, depth + 1);
        out.push(copy === undefined ? null : copy);
      }
      return out;
    }
    if (depth >= limits.maxDepth) {
      state.trimmed = true;
      return '[Object]';
    }
    const out: PlainObject = {};
    state.remaining -= 2;
    for (const key of Object.keys(input as PlainObject)) {
      if (state.remaining <= 0) {
        state.trimmed = true;
        break;
      }
      // A JSON "__proto__" key would replace the copy's prototype.
      if (key === '__proto__') continue;
      const copy = walk((input as PlainObject)[key], depth + 1);
      if (copy === undefined) continue;
      state.remaining -= key.length + 3;
      out[stripNul(key)] = copy;
    }
    return out;
  };

  const result = walk(value, 0);
  return { value: result, trimmed: state.trimmed };
}

/** Runs one normalization step; an unexpected failure drops that part and is recorded instead of thrown. */
export function guarded(log: RepairLog, name: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    log.add('invalid_data', name, error instanceof Error ? error.message : String(error));
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers that several event parts share

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

/** A level name, alias or Python logging number → the event level (events and breadcrumbs share it). */
export function parseLevel(value: unknown): EventLevel | undefined {
  if (typeof value === 'number') return PYTHON_LEVELS[value];
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return LEVEL_ALIASES[text] ?? (/^\d+$/.test(text) ? PYTHON_LEVELS[Number(text)] : undefined);
}

/** Caps a message-sized string (`logentry`, breadcrumb messages) at the message limit. */
export function limitMessage(text: string, name: string, log: RepairLog): string {
  if (text.length <= NORMALIZE_LIMITS.message) return text;
  log.add('value_too_long', name, text.length);
  return truncate(text, NORMALIZE_LIMITS.message);
}

/** `{values: [...]}`, a bare list, or a single object → the list (anything else is recorded and dropped). */
export function listValues(value: unknown, name: string, log: RepairLog): unknown[] | undefined {
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

/** Bounds one free-form field with `trimDatabag`, recording that it was trimmed. */
export function databagField(value: unknown, name: string, limits: DatabagLimits, log: RepairLog): unknown {
  if (value === undefined || value === null) return undefined;
  const { value: copy, trimmed } = trimDatabag(value, limits);
  if (trimmed) log.add('items_trimmed', name);
  return copy;
}
