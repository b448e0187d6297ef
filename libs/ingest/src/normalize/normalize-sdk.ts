/** Normalizes the SDK info and the loaded modules by Relay's rules. */
import { NORMALIZE_LIMITS } from './normalize-limits';
import { SdkInfo } from './normalized-event.types';
import { coerceString, databagField, isPlainObject, RepairLog, stripNul, truncate } from './normalize-utils';

export function normalizeSdk(
  value: unknown,
  sentryClient: string | undefined,
  log: RepairLog,
): SdkInfo | undefined {
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

export function normalizeModules(value: unknown, log: RepairLog): Record<string, string> | undefined {
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
