/** Normalizes the SDK-sent fingerprint by Relay's rules. */
import { NORMALIZE_LIMITS } from './normalize-limits';
import { coerceString, RepairLog, truncate } from './normalize-utils';

export function normalizeFingerprint(value: unknown, log: RepairLog): string[] | undefined {
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
