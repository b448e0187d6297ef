/** Normalizes breadcrumbs by Relay's rules. */
import { NORMALIZE_LIMITS } from './normalize-limits';
import { Breadcrumb } from './normalized-event.types';
import {
  coerceString,
  databagField,
  isPlainObject,
  limitMessage,
  listValues,
  parseLevel,
  RepairLog,
  truncate,
} from './normalize-utils';
import { parseTimestamp, roundMicros } from './timestamp';

export function normalizeBreadcrumbs(
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
