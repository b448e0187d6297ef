import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { requestIsHttps, trustedProxiesOf } from '../common/client-address';

/**
 * Whether the request reached us over HTTPS; decides HSTS. A TLS socket, or `X-Forwarded-Proto: https` from one of
 * TRUSTED_PROXIES (bound to the request by the HTTP server's listener).
 */
export function servedOverHttps(req: IncomingMessage): boolean {
  return requestIsHttps(req, trustedProxiesOf(req));
}

/** A year, without includeSubDomains: other hosts under the same domain are not ours to commit to HTTPS. */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * JSON, scripts and errors: nothing in them may load or run anything, nor be framed. The crash-report dialog's
 * script gets this one too: a CSP on a script response does not apply to the page that runs it (the customer's
 * page, whose own CSP decides), and nothing here restricts who may load it (no Cross-Origin-Resource-Policy).
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Swagger UI at /api/docs: its scripts and stylesheet are files of its own, its page carries inline `<style>`
 * blocks and style attributes, its icons are data: URIs, and "Try it out" calls this same origin.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'self'";

const COMMON_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  // GlitchTip's (Django's) default: full URLs only to our own pages, nothing sent to other sites.
  ['Referrer-Policy', 'same-origin'],
];

/** `/api/docs` and its assets, not `/api/docs-json` (JSON like the rest of the API). */
function isDocsPath(url: string): boolean {
  if (!url.startsWith('/api/docs')) return false;
  const next = url.charAt('/api/docs'.length);
  return next === '' || next === '/' || next === '?' || next === '#';
}

/** The security headers of an answer to `url`, as a plain header object (for raw answers written by hand). */
export function securityHeaders(url: string, https: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = Object.fromEntries(COMMON_HEADERS);
  headers['Content-Security-Policy'] = isDocsPath(url) ? DOCS_CSP : API_CSP;
  if (https) headers['Strict-Transport-Security'] = HSTS_VALUE;
  return headers;
}

/**
 * Sets the security headers on `res` before any handler runs, so that every answer carries them: REST, ingest,
 * the crash-report dialog, docs, 404s and errors. A handler may still override one (writeHead merges over them).
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of COMMON_HEADERS) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', isDocsPath(req.url ?? '/') ? DOCS_CSP : API_CSP);
  if (servedOverHttps(req)) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
}
