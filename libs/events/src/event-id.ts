/** A UUID as SDKs spell it: 32 hex, or dashed 8-4-4-4-12, optionally in braces (Relay accepts both). */
const EVENT_ID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/;

/** An event id in any of the SDKs' spellings as 32 lower-case hex (the stored form), or null. */
export function eventIdHex(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  // Dashes are all or nothing: `0f6b1a2c3d4e-4f5a…` is not an id.
  const dashes = text.split('-').length - 1;
  if (dashes !== 0 && dashes !== 4) return null;
  const match = EVENT_ID.exec(text);
  return match ? match.slice(1).join('') : null;
}

/** 32 hex as a dashed UUID (how the REST API and PostgreSQL show it). */
export function dashedEventId(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
