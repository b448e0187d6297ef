import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { API_CSP, DOCS_CSP } from '../../apps/api/src/http/security-headers';
import { http } from '../support/http';
import { sendRaw } from '../support/raw-socket';
import { startTestStack, TestStack } from '../support/test-app';
import { dsnParts, newEventId, Seed } from '../support/triage';

// Functions passed to page.evaluate() run in the page; the project's TypeScript has no DOM types.
declare const window: any;
declare const document: any;
declare const getComputedStyle: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const itWithBrowser = existsSync(CHROMIUM) ? it : it.skip;

type HeaderLookup = { get(name: string): string | null };

function expectSecurityHeaders(headers: HeaderLookup, csp = API_CSP): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('same-origin');
  expect(headers.get('content-security-policy')).toBe(csp);
  expect(headers.get('x-powered-by')).toBeNull();
  // Plain HTTP here: HSTS is only sent over HTTPS.
  expect(headers.get('strict-transport-security')).toBeNull();
}

/** Headers of a raw answer, looked up like fetch's. */
function lookup(headers: Record<string, string>): HeaderLookup {
  return { get: (name) => headers[name.toLowerCase()] ?? null };
}

describe('security headers on every HTTP answer', () => {
  let stack: TestStack;
  let seed: Seed;
  let key: { publicKey: string; projectId: string };

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    seed = await stack.seed();
    key = dsnParts(seed.dsn);
  });
  afterAll(() => stack.close());

  it('REST answers, the login session, 404s and body-parser errors', async () => {
    const token = await http(stack.baseUrl, '/api/0/organizations/', { token: seed.token });
    expect(token.status).toBe(200);
    expectSecurityHeaders(token.headers);

    const session = await http(stack.baseUrl, '/_allauth/browser/v1/auth/session');
    expectSecurityHeaders(session.headers);

    const missing = await http(stack.baseUrl, '/no/such/page');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: expect.any(String) });
    expectSecurityHeaders(missing.headers);

    const unauthenticated = await http(stack.baseUrl, '/api/0/organizations/');
    expect(unauthenticated.status).toBe(401);
    expectSecurityHeaders(unauthenticated.headers);

    const malformed = await http(stack.baseUrl, '/_allauth/browser/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email":',
    });
    expect(malformed.status).toBe(400);
    expectSecurityHeaders(malformed.headers);

    const openapi = await http(stack.baseUrl, '/api/openapi.json');
    expect(openapi.status).toBe(200);
    expectSecurityHeaders(openapi.headers);
  });

  it('raw ingest answers keep their CORS headers for browser SDKs', async () => {
    const path = `/api/${key.projectId}/envelope/?sentry_key=${key.publicKey}&sentry_version=7`;
    const eventId = newEventId();
    const envelope = `{"event_id":"${eventId}"}\n{"type":"event"}\n{"message":"headers"}\n`;
    const accepted = await http(stack.baseUrl, path, {
      method: 'POST',
      headers: { Origin: 'https://shop.example.com', 'Content-Type': 'text/plain;charset=UTF-8' },
      body: envelope,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ id: eventId });
    expect(accepted.headers.get('access-control-allow-origin')).toBe('*');
    expectSecurityHeaders(accepted.headers);

    const preflight = await http(stack.baseUrl, path, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expectSecurityHeaders(preflight.headers);

    const refused = await http(stack.baseUrl, `/api/${key.projectId}/store/`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expectSecurityHeaders(refused.headers);
  });

  it('the crash-report dialog script and its errors', async () => {
    const script = await http(
      stack.baseUrl,
      `/api/embed/error-page/?dsn=${seed.dsn}&eventId=${newEventId()}`,
    );
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('application/javascript');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    // Loaded by <script src> from other sites: nothing may restrict who embeds it.
    expect(script.headers.get('cross-origin-resource-policy')).toBeNull();
    expectSecurityHeaders(script.headers);

    const refused = await http(stack.baseUrl, `/api/embed/error-page/?dsn=${seed.dsn}&eventId=nope`);
    expect(refused.status).toBe(400);
    expectSecurityHeaders(refused.headers);
  });

  it('Swagger UI gets a CSP of its own; its JSON does not', async () => {
    const page = await http(stack.baseUrl, '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expectSecurityHeaders(page.headers, DOCS_CSP);
    const bundle = await http(stack.baseUrl, '/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expectSecurityHeaders(bundle.headers, DOCS_CSP);
    expectSecurityHeaders((await http(stack.baseUrl, '/api/docs-json')).headers);
  });

  it("Node's own answers to bad HTTP are JSON with the same headers", async () => {
    const garbage = await sendRaw(stack.baseUrl, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toBe('application/json');
    expect(JSON.parse(garbage.body)).toEqual({ detail: 'The request is not valid HTTP' });
    expectSecurityHeaders(lookup(garbage.headers));

    const huge = await sendRaw(
      stack.baseUrl,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual({ detail: 'The request headers are too large' });
    expectSecurityHeaders(lookup(huge.headers));
  });

  itWithBrowser('Swagger UI renders and calls the API in Chromium under its CSP', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.addInitScript(() => {
        window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event: any) =>
          window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      await page.goto(`${stack.baseUrl}/api/docs`);
      await page.waitForSelector('.swagger-ui .info .title');
      expect(await page.textContent('.swagger-ui .info .title')).toContain('GlitchTip');
      // Its stylesheet applied (not blocked): the operations are laid out as Swagger UI draws them.
      await page.waitForSelector('.opblock');
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('.opblock')).borderStyle),
      ).toBe('solid');

      // "Try it out" on a GET without parameters: a same-origin fetch the CSP must allow.
      const operation = page.locator('.opblock-get', { hasText: '/api/settings/' }).first();
      await operation.locator('.opblock-summary').click();
      await operation.locator('button.try-out__btn').click();
      await operation.locator('button.execute').click();
      await operation.locator('.responses-table.live-responses-table .response-col_status').first().waitFor();
      expect(
        await operation.locator('.live-responses-table .response .response-col_status').first().textContent(),
      ).toContain('200');

      expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
