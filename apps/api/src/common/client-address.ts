import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { TrustedProxies } from '@app/core';

/*
 * Who the client is and which URL it used, for every place that needs it (login limits, sessions, the `{{auto}}`
 * user address of events, secure cookies, CSRF origins, Link headers). X-Forwarded-For, -Proto and -Host are only
 * believed when the direct peer is one of TRUSTED_PROXIES: anybody else could write them.
 */

/** `::ffff:10.0.0.1` (how a dual-stack socket reports an IPv4 peer) as `10.0.0.1`. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** An X-Forwarded-For entry as an address: some proxies add a port (`1.2.3.4:5678`, `[::1]:80`). */
function forwardedAddress(entry: string): string | null {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) ? plainAddress(text) : null;
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const value = req.headers[name];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined === undefined ? [] : joined.split(',').map((v) => v.trim());
}

function firstHeaderValue(req: IncomingMessage, name: string): string | undefined {
  return headerValues(req, name).find((v) => v !== '');
}

function peerAddress(req: IncomingMessage): string | undefined {
  const address = req.socket?.remoteAddress;
  return address ? plainAddress(address) : undefined;
}

/** Whether the direct peer is a trusted proxy, i.e. whether its X-Forwarded-* headers count. */
export function fromTrustedProxy(req: IncomingMessage, trusted: TrustedProxies): boolean {
  return !trusted.isEmpty && trusted.contains(peerAddress(req));
}

/**
 * The client's address: the socket peer, unless that is a trusted proxy; then X-Forwarded-For read from the right,
 * skipping trusted hops, up to the first address no trusted proxy vouches for. Entries left of it were written by
 * the client and are ignored.
 */
export function clientIp(req: IncomingMessage, trusted: TrustedProxies): string | undefined {
  const peer = peerAddress(req);
  if (!fromTrustedProxy(req, trusted)) return peer;
  let client = peer;
  const hops = headerValues(req, 'x-forwarded-for');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = forwardedAddress(hops[i]!);
    // Junk a trusted proxy passed on: stop at the last address it vouched for.
    if (!hop) break;
    client = hop;
    if (!trusted.contains(hop)) break;
  }
  return client;
}

/** Whether the client reached us over HTTPS: a TLS socket, or a trusted proxy's `X-Forwarded-Proto: https`. */
export function requestIsHttps(req: IncomingMessage, trusted: TrustedProxies): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted) return true;
  if (!fromTrustedProxy(req, trusted)) return false;
  return firstHeaderValue(req, 'x-forwarded-proto')?.toLowerCase() === 'https';
}

// Underscores too: Docker service names (`glitchtip_web:8000`) have them.
const HOST_NAME =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?(?::\d{1,5})?$/;
const HOST_IPV6 = /^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/** Whether a Host value is `name[:port]` or `[ipv6][:port]`, safe to put in a URL. */
export function isValidHost(host: string): boolean {
  if (host.length > 260) return false;
  return HOST_NAME.test(host) || (HOST_IPV6.test(host) && isIP(host.slice(1, host.indexOf(']'))) === 6);
}

/**
 * The host the client asked for (a trusted proxy's X-Forwarded-Host, else Host), or null when it is missing or
 * malformed; it must not be echoed into URLs then.
 */
export function requestHost(req: IncomingMessage, trusted: TrustedProxies): string | null {
  const forwarded = fromTrustedProxy(req, trusted) ? firstHeaderValue(req, 'x-forwarded-host') : undefined;
  const host = forwarded ?? req.headers.host?.trim();
  return host && isValidHost(host) ? host.toLowerCase() : null;
}

/** `scheme://host[:port]` as the client used it, or null when the host is missing or malformed. */
export function requestOrigin(req: IncomingMessage, trusted: TrustedProxies): string | null {
  const host = requestHost(req, trusted);
  if (!host) return null;
  return `${requestIsHttps(req, trusted) ? 'https' : 'http'}://${host}`;
}

const TRUSTED = Symbol('trustedProxies');
const NO_PROXIES = TrustedProxies.none();
type WithTrusted = IncomingMessage & { [TRUSTED]?: TrustedProxies };

/**
 * Records the configured proxies on a request (configureHttpApp does it for every REST request), for helpers such
 * as the pagination headers that have the request but not the configuration.
 */
export function bindTrustedProxies(req: IncomingMessage, trusted: TrustedProxies): void {
  (req as WithTrusted)[TRUSTED] = trusted;
}

/** The proxies bound to this request; none (the safe default) if nothing bound them. */
export function trustedProxiesOf(req: IncomingMessage): TrustedProxies {
  return (req as WithTrusted)[TRUSTED] ?? NO_PROXIES;
}
