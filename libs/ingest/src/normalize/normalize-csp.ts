/** Normalizes the event's `csp` interface (a CSP violation report) by Relay's rules. */
import { CspReport } from './normalized-event.types';
import {
  coerceInteger,
  coerceString,
  isPlainObject,
  PlainObject,
  RepairLog,
  truncate,
} from './normalize-utils';

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

export function normalizeCsp(value: unknown, log: RepairLog): CspReport | undefined {
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
