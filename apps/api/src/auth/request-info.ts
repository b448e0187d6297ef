import type { Request } from 'express';
import { requestBaseUrl } from '../common/pagination';

/**
 * The client address for rate limiting: the address the nearest reverse proxy saw (the last X-Forwarded-For entry,
 * which a client cannot forge past that proxy), else the socket's.
 */
export function clientIp(req: Request): string {
  const forwarded = req.get('x-forwarded-for');
  const last = forwarded?.split(',').pop()?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/** Whether the client reached us over HTTPS (directly or through a proxy that says so). */
export function isSecureRequest(req: Request): boolean {
  return requestBaseUrl(req).startsWith('https:');
}
