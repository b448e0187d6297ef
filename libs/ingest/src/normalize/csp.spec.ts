import * as fs from 'node:fs';
import * as path from 'node:path';
import { cspReportsToEvents, cspReportToEvent, InvalidCspReportError } from './csp';
import { deriveEventSummary } from './derive';
import { normalizeEvent } from './normalize-event';
import { extractTags } from './tags';

const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;
const ctx = { receivedAt: new Date('2024-05-01T12:00:00Z') };

describeWithFixtures('cspReportToEvent with the Mozilla example report', () => {
  // Read lazily: this body also runs (to register the skipped tests) when the fixtures are absent.
  const readReport = (): unknown =>
    JSON.parse(fs.readFileSync(path.join(FIXTURES, 'glitchtip/csp/mozilla_example.json'), 'utf8'));

  it('builds a csp event with the report in snake_case and the page as request URL', () => {
    const event = normalizeEvent(cspReportToEvent(readReport()), ctx);
    expect(event.type).toBe('csp');
    expect(event.csp).toEqual({
      blocked_uri: 'http://example.com/css/style.css',
      disposition: 'report',
      document_uri: 'http://example.com/signup.html',
      effective_directive: 'style-src-elem',
      original_policy: "default-src 'none'; style-src cdn.example.com; report-to /_/csp-reports",
      referrer: '',
      status_code: 200,
      violated_directive: 'style-src-elem',
    });
    expect(event.request).toEqual({ url: 'http://example.com/signup.html' });
    expect(event.errors).toEqual([]);
  });

  it('is titled like GlitchTip and tagged with the directive and blocked URI', () => {
    const event = normalizeEvent(cspReportToEvent(readReport()), ctx);
    expect(deriveEventSummary(event).title).toBe("Blocked 'style-elem' from 'example.com'");
    expect(new Map(extractTags(event))).toEqual(
      new Map([
        ['blocked-uri', 'http://example.com/css/style.css'],
        ['effective-directive', 'style-src-elem'],
        ['level', 'error'],
        ['logger', 'csp'],
        ['url', 'http://example.com/signup.html'],
      ]),
    );
  });
});

describe('cspReportToEvent', () => {
  const reportTo = [
    {
      type: 'csp-violation',
      age: 10,
      url: 'https://shop.example.com/checkout',
      user_agent: 'Mozilla/5.0',
      body: {
        documentURL: 'https://shop.example.com/checkout',
        blockedURL: 'https://evil.example.net/x.js',
        effectiveDirective: 'script-src-elem',
        originalPolicy: "script-src 'self'",
        disposition: 'enforce',
        statusCode: 200,
        sourceFile: 'https://shop.example.com/app.js',
        lineNumber: 10,
        columnNumber: 4,
      },
    },
    { type: 'deprecation', body: { id: 'x' } },
  ];

  it('reads the Reporting API (report-to) shape', () => {
    const event = normalizeEvent(cspReportToEvent(reportTo), ctx);
    expect(event.csp).toEqual({
      document_uri: 'https://shop.example.com/checkout',
      blocked_uri: 'https://evil.example.net/x.js',
      effective_directive: 'script-src-elem',
      original_policy: "script-src 'self'",
      disposition: 'enforce',
      status_code: 200,
      source_file: 'https://shop.example.com/app.js',
      line_number: 10,
      column_number: 4,
    });
    expect(deriveEventSummary(event)).toMatchObject({
      type: 'csp',
      title: "Blocked 'script-elem' from 'evil.example.net'",
      culprit: 'script-src-elem',
    });
    expect(cspReportsToEvents(reportTo)).toHaveLength(1);
  });

  it('infers the effective directive from the violated one and names keyword URIs', () => {
    const event = normalizeEvent(
      cspReportToEvent({
        'csp-report': { 'violated-directive': "script-src 'self'", 'blocked-uri': 'inline' },
      }),
      ctx,
    );
    expect(deriveEventSummary(event).title).toBe("Blocked 'script' from 'inline'");
  });

  it('rejects bodies without a violation', () => {
    expect(() => cspReportToEvent({})).toThrow(InvalidCspReportError);
    expect(() => cspReportToEvent([{ type: 'deprecation', body: {} }])).toThrow(InvalidCspReportError);
    expect(() => cspReportToEvent('nope')).toThrow(InvalidCspReportError);
  });
});
