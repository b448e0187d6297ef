import type { IncomingHttpHeaders } from 'node:http';

import { IngestError } from './errors';

/**
 * Finds the public key of an ingest request. Sources, in order: query `sentry_key`, query
 * `glitchtip_key`, `X-Sentry-Auth`, `Authorization: Sentry ...`, `Authorization: Basic base64(key:secret)`.
 *
 * Relay answers 401 when a request carries auth in more than one place; tunnels and proxies do add
 * duplicates, so like Bugsink we take the first one found instead. The key is returned as sent:
 * run it through `normalizePublicKey` before looking it up.
 *
 * Returns null when the request has no key at all (the envelope endpoint then falls back to the
 * envelope header `dsn`). Throws 401 when a Sentry auth header is present but names no key, as Relay
 * does, unless a later source supplies one.
 */
export function extractSentryKey(query: URLSearchParams, headers: IncomingHttpHeaders): string | null {
  const queryKey = query.get('sentry_key') || query.get('glitchtip_key');
  if (queryKey) return queryKey;

  const sentryAuth = firstValue(headers['x-sentry-auth']);
  let sentryAuthHadNoKey = false;
  if (sentryAuth !== undefined) {
    // The `Sentry ` scheme prefix is optional here: the header name already says what it is.
    const key = keyFromAuthPairs(afterSentryScheme(sentryAuth) ?? sentryAuth);
    if (key) return key;
    sentryAuthHadNoKey = true;
  }

  const authorization = firstValue(headers.authorization);
  if (authorization) {
    const pairs = afterSentryScheme(authorization);
    if (pairs !== null) {
      const key = keyFromAuthPairs(pairs);
      if (key) return key;
      throw new IngestError(401, 'malformed Authorization header: missing sentry_key');
    }
    const basicUser = basicAuthUser(authorization);
    if (basicUser) return basicUser;
    // Any other scheme (Bearer API tokens, a proxy's credentials) is not an ingest key.
  }

  if (sentryAuthHadNoKey) throw new IngestError(401, 'malformed X-Sentry-Auth header: missing sentry_key');
  return null;
}

const HEX_KEY = /^[0-9a-f]{32}$/i;
const DASHED_UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Canonical form of a public key: 32 lowercase hex characters. Accepts a dashed UUID (GlitchTip stores
 * keys as UUIDs) and Relay's `<key>.<flags>` suffix (e.g. `.no-cache`), in any case. Returns null for
 * anything else, e.g. the short `publickey` that the JS SDK happily accepts in a DSN.
 */
export function normalizePublicKey(key: string): string | null {
  const dot = key.indexOf('.');
  const bare = dot === -1 ? key : key.slice(0, dot);
  if (bare.length === 32) return HEX_KEY.test(bare) ? bare.toLowerCase() : null;
  if (bare.length === 36 && DASHED_UUID_KEY.test(bare)) return bare.replaceAll('-', '').toLowerCase();
  return null;
}

export interface ParsedDsn {
  /** The key as written in the DSN (URL-decoded, not normalized). */
  publicKey: string;
  /** The last path segment; digits only, since ingest routes are numeric. */
  projectId: string;
  /** `host[:port]`, port omitted when it is the scheme's default. */
  host: string;
}

/**
 * Parses `{scheme}://{key}[:{secret}]@{host}[:{port}]{/path}/{projectId}`, as found in the `dsn` field of
 * an envelope header (SDK `tunnel` traffic). Only http and https are accepted, like every SDK's own DSN
 * parser; a trailing slash after the project id is tolerated. Returns null when the DSN is unusable.
 */
export function parseDsn(dsn: string): ParsedDsn | null {
  let url: URL;
  try {
    url = new URL(dsn.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.username || !url.host) return null;

  let path = url.pathname;
  if (path.endsWith('/')) path = path.slice(0, -1);
  const projectId = path.slice(path.lastIndexOf('/') + 1);
  if (!isDigits(projectId)) return null;

  let publicKey: string;
  try {
    publicKey = decodeURIComponent(url.username);
  } catch {
    return null;
  }
  return { publicKey, projectId, host: url.host };
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

/** The text after a case-insensitive `Sentry` scheme plus whitespace, or null when the value has another scheme. */
function afterSentryScheme(value: string): string | null {
  const start = skipWhitespace(value, 0);
  if (value.length < start + 7 || value.slice(start, start + 6).toLowerCase() !== 'sentry') return null;
  const next = value.charCodeAt(start + 6);
  if (next !== 0x20 && next !== 0x09) return null;
  return value.slice(start + 7);
}

/** `sentry_key` (or `glitchtip_key`) from `k=v, k=v` pairs; whitespace around keys and values is ignored. */
function keyFromAuthPairs(pairs: string): string | null {
  for (const pair of pairs.split(',')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    let name = pair.slice(0, eq).trim();
    // Tolerate a repeated `Sentry ` scheme, as produced when a proxy joins two auth headers with a comma.
    const space = name.search(/\s\S+$/);
    if (space !== -1) name = name.slice(space + 1);
    if (name !== 'sentry_key' && name !== 'glitchtip_key') continue;
    const value = unquote(pair.slice(eq + 1).trim());
    if (value) return value;
  }
  return null;
}

function basicAuthUser(value: string): string | null {
  const start = skipWhitespace(value, 0);
  if (value.slice(start, start + 6).toLowerCase() !== 'basic ') return null;
  const decoded = Buffer.from(value.slice(start + 6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user || null;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function skipWhitespace(value: string, from: number): number {
  let i = from;
  while (i < value.length && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  return i;
}

function isDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
