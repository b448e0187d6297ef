/** Normalizes tags, extra and contexts by Relay's rules. */
import { NORMALIZE_LIMITS } from './normalize-limits';
import { EventContext, NormalizedEvent, Pairs } from './normalized-event.types';
import {
  coerceString,
  databagField,
  isPlainObject,
  PlainObject,
  RepairLog,
  stripNul,
  trimDatabag,
  truncate,
} from './normalize-utils';

/** Derived from other fields, so an SDK tag with this key is dropped (Relay). */
const RESERVED_TAG_KEYS = new Set(['release', 'dist', 'user', 'filename', 'function']);
const TAG_KEY = /^[a-zA-Z0-9_.:-]+$/;

export function normalizeTags(value: unknown, event: NormalizedEvent, log: RepairLog): Pairs {
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

export function normalizeExtra(value: unknown, log: RepairLog): Record<string, unknown> | undefined {
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

export function normalizeContexts(value: unknown, log: RepairLog): Record<string, EventContext> | undefined {
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
