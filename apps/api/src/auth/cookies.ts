import type { Request, Response } from 'express';

export interface CookieOptions {
  maxAgeSeconds?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  path?: string;
}

/** Cookies of a request (the first value wins, as browsers send the most specific path first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

export function requestCookie(req: Request, name: string): string | undefined {
  return parseCookies(req.headers.cookie)[name];
}

function serialize(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`];
  if (options.maxAgeSeconds !== undefined) {
    parts.push(`Max-Age=${options.maxAgeSeconds}`);
    parts.push(`Expires=${new Date(Date.now() + options.maxAgeSeconds * 1000).toUTCString()}`);
  }
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  parts.push(`SameSite=${options.sameSite ?? 'Lax'}`);
  return parts.join('; ');
}

/** Sets a cookie, replacing a Set-Cookie of the same name made earlier in this response. */
export function setCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  const current = res.getHeader('Set-Cookie');
  const list = (Array.isArray(current) ? current : current ? [String(current)] : []).filter(
    (c) => !c.startsWith(`${name}=`),
  );
  list.push(serialize(name, value, options));
  res.setHeader('Set-Cookie', list);
}

export function clearCookie(res: Response, name: string, options: CookieOptions): void {
  setCookie(res, name, '', { ...options, maxAgeSeconds: 0 });
}

/** Whether the cookie just set on this response (or the request's) has this value. */
export function responseCookie(res: Response, name: string): string | undefined {
  const current = res.getHeader('Set-Cookie');
  const list = Array.isArray(current) ? current : current ? [String(current)] : [];
  const found = list.find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1).split(';')[0]!) : undefined;
}
