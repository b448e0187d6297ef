import { request } from 'node:http';
import { Browser } from '../support/browser';
import { apiClient, EventJson, IssueJson, Seed, storeEvent } from '../support/triage';
import { startTestStack, TestStack } from '../support/test-app';

/**
 * Who the client is (login limits, the `{{auto}}` user address of events) and which URL it used (Link headers,
 * Secure cookies, CSRF origins): X-Forwarded-* count only when the direct peer is one of TRUSTED_PROXIES. The tests
 * connect from 127.0.0.1, so "behind a proxy" is TRUSTED_PROXIES=127.0.0.1 and "direct" is the default.
 */

const LOGIN = '/_allauth/browser/v1/auth/login';

/**
 * Sends failing logins (the limit is 30 per address per minute) with these headers per attempt until one is
 * refused with 429, at most 40; returns how many were answered 400 first, and the 429 (or the last answer).
 */
async function exhaustLoginLimit(browser: Browser, headersFor: (attempt: number) => Record<string, string>) {
  let allowed = 0;
  for (;;) {
    const res = await browser.request('POST', LOGIN, { headers: headersFor(allowed), json: {} });
    if (res.status !== 400 || allowed === 40) return { allowed, res };
    allowed++;
  }
}

/** The `user` of the latest event of the issue an event went to, once the worker has stored it. */
async function storedUser(stack: TestStack, seed: Seed, headers: Record<string, string>, title: string) {
  await storeEvent(
    stack,
    seed.dsn,
    { message: title, level: 'error', platform: 'python', user: { id: 'u1', ip_address: '{{auto}}' } },
    headers,
  );
  await stack.drain();
  const api = apiClient(stack, seed.token);
  const issues = await api.get<IssueJson[]>(
    `/api/0/organizations/${seed.organization}/issues/?query=${encodeURIComponent(title)}`,
  );
  const issue = issues.body.find((i) => i.title === title);
  expect(issue).toBeDefined();
  const event = await api.get<EventJson>(`/api/0/issues/${issue!.id}/events/latest/`);
  return event.body.user;
}

/** A GET with a Host header of our choosing (fetch refuses to set Host). */
function getWithHost(baseUrl: string, path: string, headers: Record<string, string>) {
  const url = new URL(baseUrl);
  return new Promise<{ status: number; body: any; link?: string }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          body: text ? JSON.parse(text) : null,
          link: res.headers.link as string | undefined,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const PROXY_HEADERS = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'errors.example.com' };

describe('client address with no trusted proxy (the default)', () => {
  let stack: TestStack;
  let seed: Seed;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  it('gives `{{auto}}` the socket address, not a forwarded one', async () => {
    const user = await storedUser(stack, seed, { 'X-Forwarded-For': '203.0.113.50' }, 'direct auto ip');
    expect(user).toMatchObject({ id: 'u1', ip_address: '127.0.0.1' });
  });

  it('builds Link URLs and cookies from the request itself, ignoring forwarded scheme and host', async () => {
    const api = apiClient(stack, seed.token);
    const res = await fetch(`${stack.baseUrl}/api/0/organizations/${seed.organization}/issues/`, {
      headers: { Authorization: `Bearer ${seed.token}`, ...PROXY_HEADERS },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toContain(`<${stack.baseUrl}/api/0/organizations/`);
    expect(res.headers.get('link')).not.toContain('errors.example.com');
    // A forwarded https from an untrusted peer commits no browser to HTTPS.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect((await api.get('/api/0/users/me/')).status).toBe(200);

    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const login = await browser.request('POST', LOGIN, {
      headers: PROXY_HEADERS,
      json: { email: 'owner@example.com', password: 'correct horse battery staple' },
    });
    expect(login.status).toBe(200);
    expect(browser.cookieAttributes.get('sessionid')).not.toMatch(/secure/i);
  });

  it('does not take a forged forwarded host as our origin in the CSRF check', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const res = await browser.request('POST', LOGIN, {
      headers: { ...PROXY_HEADERS, Origin: 'https://errors.example.com' },
      json: {},
    });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].message).toContain('Origin checking failed');
  });

  it('answers 400 instead of echoing a malformed Host into Link', async () => {
    const res = await getWithHost(stack.baseUrl, `/api/0/organizations/${seed.organization}/issues/`, {
      Host: 'evil.example/"><x',
      Authorization: `Bearer ${seed.token}`,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Invalid or missing Host header' });
    // An absolute-form request target does not choose the host of the links either.
    const absolute = await getWithHost(
      stack.baseUrl,
      `http://evil.example/api/0/organizations/${seed.organization}/issues/`,
      { Authorization: `Bearer ${seed.token}` },
    );
    expect(absolute.status).toBe(200);
    expect(absolute.link).toContain(`<${stack.baseUrl}/api/0/organizations/`);
    expect(absolute.link).not.toContain('evil.example');
  });
  // Last: it uses up the limit of 127.0.0.1 for this stack.
  it('counts login attempts per socket address: a made-up X-Forwarded-For does not get around the limit', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const { allowed, res } = await exhaustLoginLimit(browser, (i) => ({
      'X-Forwarded-For': `203.0.113.${i + 1}`,
    }));
    // One login of an earlier test counted against 127.0.0.1 too.
    expect(allowed).toBeLessThanOrEqual(30);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('client address behind a trusted proxy (TRUSTED_PROXIES=127.0.0.1)', () => {
  let stack: TestStack;
  let seed: Seed;

  beforeAll(async () => {
    stack = await startTestStack({ env: { TRUSTED_PROXIES: '127.0.0.1, ::1' } });
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  it('limits logins per forwarded client; what the client itself wrote in X-Forwarded-For does not count', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    // The client varies the part it controls (left); the proxy appends what it saw (right).
    const { allowed, res } = await exhaustLoginLimit(browser, (i) => ({
      'X-Forwarded-For': `10.9.${i}.1, 203.0.113.7`,
    }));
    expect(allowed).toBe(30);
    expect(res.status).toBe(429);
    expect(res.body.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client behind the same proxy is not affected.
    const other = await browser.request('POST', LOGIN, {
      headers: { 'X-Forwarded-For': '203.0.113.8' },
      json: {},
    });
    expect(other.status).toBe(400);
  });

  it('gives `{{auto}}` the nearest untrusted forwarded address', async () => {
    const user = await storedUser(
      stack,
      seed,
      { 'X-Forwarded-For': '198.51.100.1, 203.0.113.60, 127.0.0.1' },
      'proxied auto ip',
    );
    expect(user).toMatchObject({ id: 'u1', ip_address: '203.0.113.60' });
  });

  it('builds Link URLs, HSTS and Secure cookies from the forwarded scheme and host', async () => {
    const res = await fetch(`${stack.baseUrl}/api/0/organizations/${seed.organization}/issues/`, {
      headers: { Authorization: `Bearer ${seed.token}`, ...PROXY_HEADERS },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toContain('<https://errors.example.com/api/0/organizations/');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const plain = await fetch(`${stack.baseUrl}/api/0/`, { headers: { 'X-Forwarded-Proto': 'http' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();

    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const login = await browser.request('POST', LOGIN, {
      headers: { ...PROXY_HEADERS, Origin: 'https://errors.example.com', 'X-Forwarded-For': '203.0.113.9' },
      json: { email: 'owner@example.com', password: 'correct horse battery staple' },
    });
    expect(login.status).toBe(200);
    expect(browser.cookieAttributes.get('sessionid')).toMatch(/secure/i);
  });

  it('answers 400 for a malformed forwarded host', async () => {
    const res = await getWithHost(stack.baseUrl, `/api/0/organizations/${seed.organization}/issues/`, {
      Host: '127.0.0.1',
      'X-Forwarded-Host': 'evil.example/"><x',
      Authorization: `Bearer ${seed.token}`,
    });
    expect(res.status).toBe(400);
  });
});
