/** Field-by-field comparison of our event JSON with what OSS Sentry returned for the same SDK event. */

export type Json = unknown;

/** Every path (`entries.exception.values[0].type`) where `ours` and `theirs` differ. */
export function diffPaths(ours: Json, theirs: Json, path = ''): string[] {
  if (isRecord(ours) && isRecord(theirs)) {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    return [...keys].sort().flatMap((key) => {
      const child = path ? `${path}.${key}` : key;
      if (!(key in ours)) return [`${child} (missing)`];
      if (!(key in theirs)) return [`${child} (extra)`];
      return diffPaths(ours[key], theirs[key], child);
    });
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    if (ours.length !== theirs.length) return [`${path} (length ${ours.length} vs ${theirs.length})`];
    return ours.flatMap((item, i) => diffPaths(item, theirs[i], `${path}[${i}]`));
  }
  if (isIsoDate(ours) && isIsoDate(theirs) && Date.parse(ours) === Date.parse(theirs)) return [];
  return JSON.stringify(ours) === JSON.stringify(theirs) ? [] : [path];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value);
}

/** Sentry's entries keyed by type, which is how clients find them. */
export function entriesByType(event: {
  entries?: Array<{ type: string; data: unknown }>;
}): Record<string, unknown> {
  return Object.fromEntries((event.entries ?? []).map((e) => [e.type, e.data]));
}

export function tagsByKey(tags: unknown): Record<string, string> {
  if (!Array.isArray(tags)) return {};
  return Object.fromEntries(
    tags.map((t) =>
      Array.isArray(t) ? [t[0], t[1]] : [(t as { key: string }).key, (t as { value: string }).value],
    ),
  );
}

/** The differences left once the deliberate ones (regexes over paths) are set aside. */
export function unexplained(paths: string[], deliberate: RegExp[]): string[] {
  return paths.filter((p) => !deliberate.some((re) => re.test(p)));
}
