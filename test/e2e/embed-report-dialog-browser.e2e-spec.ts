import { existsSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { startTestStack, TestStack } from '../support/test-app';
import { Api, apiClient, errorEvent, IssueJson, Seed, storeEvent, UserReportJson } from '../support/triage';

// Functions passed to page.evaluate() run in the page; the project's TypeScript has no DOM types.
declare const window: any;
declare const document: any;

/** Debian's chromium; another binary can be named with CHROMIUM_PATH. Without one, these tests are skipped. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`embed-report-dialog-browser: ${CHROMIUM} not found, skipping (apt-get install chromium)`);
}

const NODE_MODULES = join(__dirname, '../../node_modules');
/** @sentry/browser's ES modules and everything they import, served to the page as they are (no bundler). */
const PACKAGES = [
  '@sentry/browser',
  '@sentry/browser-utils',
  '@sentry/conventions',
  '@sentry/core',
  '@sentry/feedback',
  '@sentry/replay',
  '@sentry/replay-canvas',
  'web-vitals',
];

function esmTarget(target: unknown): string | null {
  if (typeof target === 'string') return /\.m?js$/.test(target) ? target : null;
  if (typeof target !== 'object' || target === null) return null;
  for (const condition of ['browser', 'production', 'import', 'default']) {
    const found = esmTarget((target as Record<string, unknown>)[condition]);
    if (found) return found;
  }
  return null;
}

/** An import map for the packages' `exports`, as a browser would resolve them. */
function importMap(): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(NODE_MODULES, pkg, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
      const file = esmTarget(target);
      if (file) imports[`${pkg}${subpath.slice(1)}`] = `/node_modules/${pkg}/${file.replace(/^\.\//, '')}`;
    }
  }
  return imports;
}

/** A customer's page on its own origin: loads the SDK and exposes `showDialog(options)`. */
function customerPage(dsn: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="importmap">${JSON.stringify({ imports: importMap() })}</script>
</head><body><button id="buy">Buy</button>
<script type="module">
  import * as Sentry from '@sentry/browser';
  Sentry.init({ dsn: ${JSON.stringify(dsn)}, defaultIntegrations: false });
  window.dialogEvents = [];
  window.showDialog = (options) => Sentry.showReportDialog({
    ...options,
    onLoad: () => window.dialogEvents.push('load'),
    onClose: () => window.dialogEvents.push('close'),
    onError: (error) => window.dialogEvents.push('error: ' + error.message),
  });
  window.sdkReady = true;
</script></body></html>`;
}

function startCustomerSite(dsn: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(customerPage(dsn));
      return;
    }
    const file = normalize(join(NODE_MODULES, path.replace(/^\/node_modules\//, '')));
    const allowed = PACKAGES.some((pkg) => file.startsWith(join(NODE_MODULES, pkg) + sep));
    if (!path.startsWith('/node_modules/') || !allowed || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Sentry.showReportDialog() from @sentry/browser in a real Chromium, against the running stack. */
describeWithBrowser('crash-report dialog in a browser', () => {
  let stack: TestStack;
  let seed: Seed;
  let api: Api;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    api = apiClient(stack, seed.token);
    site = await startCustomerSite(seed.dsn);
    // 127.0.0.1 vs localhost: the page and GlitchTip are on different origins, as on a real site.
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await stack?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(siteUrl);
    await page.waitForFunction(() => window.sdkReady === true);
    expect(problems).toEqual([]);
  });
  afterEach(() => page.close());

  const dialog = '.glitchtip-rd-dialog';
  const events = () => page.evaluate(() => window.dialogEvents as string[]);

  it('shows the dialog, reports field errors, sends the report, and closes', async () => {
    const eventId = await storeEvent(stack, seed.dsn, errorEvent('BrowserCrash', 'widget exploded'));
    await stack.drain();

    await page.evaluate(
      (id) =>
        window.showDialog({
          eventId: id,
          title: 'Help us <em>fix</em> this',
          labelSubmit: 'Send crash report',
          user: { name: 'Jane Doe' },
        }),
      eventId,
    );
    await page.waitForSelector(dialog);
    await page.waitForFunction(() => window.dialogEvents.includes('load'));
    // The title is text, not markup; the known name is filled in and the focus is on the first empty field.
    expect(await page.textContent('#glitchtip-rd-title')).toBe('Help us <em>fix</em> this');
    expect(await page.$(`${dialog} em`)).toBeNull();
    expect(await page.inputValue('#glitchtip-rd-name')).toBe('Jane Doe');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('glitchtip-rd-email');
    expect(await page.getAttribute(dialog, 'role')).toBe('dialog');
    expect(await page.textContent('label[for="glitchtip-rd-comments"]')).toBe('What happened?');

    // An address the browser lets through but GlitchTip does not: the server's errors are shown.
    await page.fill('#glitchtip-rd-email', 'jane@localhost');
    await page.fill('#glitchtip-rd-comments', 'The widget exploded when I clicked Buy');
    await page.click('text=Send crash report');
    await page.waitForSelector('#glitchtip-rd-email-error:not([hidden])');
    expect(await page.textContent('#glitchtip-rd-email-error')).toBe('Enter a valid email address.');
    expect(await page.getAttribute('#glitchtip-rd-email', 'aria-invalid')).toBe('true');
    expect(await page.textContent('.glitchtip-rd-alert')).toContain('Some fields are not valid');

    await page.fill('#glitchtip-rd-email', 'jane@example.com');
    await page.click('text=Send crash report');
    await page.waitForSelector('.glitchtip-rd-success:not([hidden])');
    expect(await page.textContent('.glitchtip-rd-success')).toContain('Your report has been sent');
    expect(await page.isVisible('form.glitchtip-rd-form')).toBe(false);

    await page.click('.glitchtip-rd-success button');
    await page.waitForSelector(dialog, { state: 'detached' });
    await page.waitForFunction(() => window.dialogEvents.includes('close'));
    expect(await events()).toEqual(['load', 'close']);

    await stack.drain();
    const issues = await api.get<IssueJson[]>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=${encodeURIComponent('widget exploded')}`,
    );
    const reports = await api.get<UserReportJson[]>(`/api/0/issues/${issues.body[0]!.id}/user-reports/`);
    expect(reports.body).toEqual([
      expect.objectContaining({
        eventID: eventId,
        name: 'Jane Doe',
        email: 'jane@example.com',
        comments: 'The widget exploded when I clicked Buy',
      }),
    ]);
  });

  it('closes on Escape and keeps the focus inside while open', async () => {
    await page.focus('#buy');
    await page.evaluate(() => window.showDialog({ eventId: 'ab'.repeat(16) }));
    await page.waitForSelector(dialog);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('glitchtip-rd-name');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send report');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('glitchtip-rd-name');

    await page.keyboard.press('Escape');
    await page.waitForSelector(dialog, { state: 'detached' });
    await page.waitForFunction(() => window.dialogEvents.includes('close'));
    // The focus goes back where it was.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('buy');
  });

  it('calls onError when the dialog script is refused (bad event id)', async () => {
    await page.evaluate(() => window.showDialog({ eventId: 'not-an-event-id' }));
    await page.waitForFunction(() => window.dialogEvents.length > 0);
    expect(await events()).toEqual(['error: Failed to load the report dialog script']);
    expect(await page.$(dialog)).toBeNull();
  });
});
