/**
 * Placeholders Relay fills in `logentry.message`: Python %-style (`%s`, `%d`, `%(name)s`, `%%`) and
 * brace style (`{}`, `{0}`, `{name}`).
 */
const PLACEHOLDER =
  /%(?:\((\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([diouxXeEfFgGcrs%])|\{(\w*)\}/g;

/**
 * Fills `template` with `params` (a list for positional placeholders, an object for named ones).
 * Placeholders without a matching param are left as they are.
 */
export function formatLogMessage(template: string, params: unknown[] | Record<string, unknown>): string {
  const positional = Array.isArray(params) ? params : undefined;
  const named = Array.isArray(params) ? undefined : params;
  let next = 0;

  return template.replace(PLACEHOLDER, (placeholder, percentName, conversion, braceName) => {
    if (conversion === '%') return percentName === undefined ? '%' : placeholder;
    let found: { value: unknown } | undefined;
    if (percentName !== undefined) {
      found = lookupNamed(named, percentName);
    } else if (conversion !== undefined) {
      found = positional && next < positional.length ? { value: positional[next++] } : undefined;
    } else if (braceName === '') {
      found = positional && next < positional.length ? { value: positional[next++] } : undefined;
    } else if (/^\d+$/.test(braceName)) {
      const index = Number(braceName);
      found =
        positional && index < positional.length
          ? { value: positional[index] }
          : lookupNamed(named, braceName);
    } else {
      found = lookupNamed(named, braceName);
    }
    return found ? formatParam(found.value, conversion) : placeholder;
  });
}

function lookupNamed(
  named: Record<string, unknown> | undefined,
  key: string,
): { value: unknown } | undefined {
  return named && Object.prototype.hasOwnProperty.call(named, key) ? { value: named[key] } : undefined;
}

function formatParam(value: unknown, conversion: string | undefined): string {
  if (typeof value === 'number' && (conversion === 'd' || conversion === 'i'))
    return String(Math.trunc(value));
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
