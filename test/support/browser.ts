import type { HttpResult } from './http';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface BrowserRequest {
  json?: unknown;
  headers?: Record<string, string>;
  /** Send X-CSRFToken from the csrftoken cookie on unsafe methods, as GlitchTip's web UI does (default true). */
  csrf?: boolean;
}

/**
 * What GlitchTip's web UI does in a browser: a cookie jar (sessionid, csrftoken), `X-CSRFToken` copied from the
 * readable `csrftoken` cookie on POST/PUT/PATCH/DELETE, and the same-origin `Origin` header browsers add.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Attributes of the last Set-Cookie seen per cookie name (HttpOnly, SameSite…), for assertions. */
  readonly cookieAttributes = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  csrfToken(): string | undefined {
    return this.cookies.get('csrftoken');
  }

  async request<T = any>(method: string, path: string, init: BrowserRequest = {}): Promise<HttpResult<T>> {
    const headers = new Headers(init.headers);
    if (this.cookies.size)
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    if (UNSAFE.has(method)) {
      if (!headers.has('Origin')) headers.set('Origin', this.baseUrl);
      const csrf = this.csrfToken();
      if (init.csrf !== false && csrf) headers.set('X-CSRFToken', csrf);
    }
    let body: string | undefined;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = decodeURIComponent(pair!.slice(eq + 1).trim());
      this.cookieAttributes.set(name, attributes.map((a) => a.trim()).join('; '));
      if (/max-age=0/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, init?: BrowserRequest) {
    return this.request<T>('GET', path, init);
  }
  post<T = any>(path: string, json?: unknown, init?: BrowserRequest) {
    return this.request<T>('POST', path, { ...init, json });
  }
  put<T = any>(path: string, json?: unknown, init?: BrowserRequest) {
    return this.request<T>('PUT', path, { ...init, json });
  }
  delete<T = any>(path: string, json?: unknown, init?: BrowserRequest) {
    return this.request<T>('DELETE', path, { ...init, json });
  }

  /** App start: GET the session (which hands out the csrftoken cookie). */
  boot() {
    return this.get('/_allauth/browser/v1/auth/session');
  }

  async signup(email: string, password: string): Promise<HttpResult<any>> {
    if (!this.csrfToken()) await this.boot();
    return this.post('/_allauth/browser/v1/auth/signup', { email, password });
  }

  async login(email: string, password: string): Promise<HttpResult<any>> {
    if (!this.csrfToken()) await this.boot();
    return this.post('/_allauth/browser/v1/auth/login', { email, password });
  }
}

/** A browser with a new account, logged in; throws when signup fails. */
export async function signedUpBrowser(
  baseUrl: string,
  email: string,
  password = 'correct horse battery staple',
) {
  const browser = new Browser(baseUrl);
  const res = await browser.signup(email, password);
  if (res.status !== 200) throw new Error(`signup of ${email} failed: ${res.status} ${res.text}`);
  return browser;
}
