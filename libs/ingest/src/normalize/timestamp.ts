const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
/** 9999-12-31T23:59:59Z: the last second an ISO 8601 date (and a JavaScript Date's ISO text) can show. */
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;
const NUMERIC = /^\s*-?\d+(?:\.\d+)?\s*$/;

/**
 * Parses a Sentry timestamp into float Unix seconds (µs precision): a number or numeric string of
 * seconds, or an RFC 3339 / ISO 8601 string with or without zone (no zone means UTC, as in Relay).
 * Returns `undefined` when the value is not a usable timestamp (including years after 9999).
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 && value <= MAX_TIMESTAMP_SECONDS
      ? roundMicros(value)
      : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (NUMERIC.test(text)) return parseTimestamp(Number(text));
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const monthIndex = Number(month) - 1;
  if (monthIndex > 11 || Number(day) < 1 || Number(day) > 31 || Number(hour ?? 0) > 23) return undefined;
  let millis = Date.UTC(
    Number(year),
    monthIndex,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
  );
  if (Number.isNaN(millis)) return undefined;
  if (sign && !zulu) {
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0)) * 60_000;
    millis += sign === '+' ? -offset : offset;
  }
  // Fractions may carry nanoseconds (Go sends 9 digits); keep microseconds.
  const micros = fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0;
  return roundMicros(millis / 1000 + micros / 1e6);
}

export function roundMicros(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** ISO 8601 UTC with microseconds when there are any (`2020-04-25T19:36:56.584908Z`). */
export function secondsToIso(seconds: number): string {
  // Work in integer microseconds: float seconds like 1595472880.109 are not exact in binary.
  const totalMicros = Math.round(seconds * 1e6);
  const base = new Date(Math.floor(totalMicros / 1000)).toISOString();
  const micros = totalMicros % 1000;
  if (micros === 0) return base;
  return `${base.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}
