import * as fs from 'node:fs';
import * as path from 'node:path';
import { cspReportToEvent } from './csp';
import { deriveEventSummary } from './derive';
import { normalizeEvent } from './normalize-event';

// Shared fixtures live next to the repository (`../shared/fixtures` from the repo root).
const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const GLITCHTIP = path.join(FIXTURES, 'glitchtip');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;
const RECEIVED_AT = new Date('2024-05-01T12:00:00Z');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Third line of a captured envelope body: the event payload. */
function envelopeEvent(folder: string, prefix: string): Record<string, unknown> {
  const file = fs
    .readdirSync(path.join(FIXTURES, 'sdk-captures', folder))
    .find((name) => name.startsWith(prefix) && name.endsWith('.body.bin'));
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'sdk-captures', folder, file as string), 'utf8').split('\n')[2],
  );
}

function summarize(raw: Record<string, unknown>) {
  return deriveEventSummary(normalizeEvent(raw, { receivedAt: RECEIVED_AT }));
}

/** Incoming SDK payloads that have Sentry's API output for the same event. */
function fixturePairs(): string[] {
  if (!fs.existsSync(GLITCHTIP)) return [];
  const expected = new Set(fs.readdirSync(path.join(GLITCHTIP, 'oss_sentry_events')));
  return fs
    .readdirSync(path.join(GLITCHTIP, 'incoming_events'))
    .filter((name) => name.endsWith('.json') && expected.has(name))
    .sort();
}

/**
 * js_error_with_context: the incoming payload was cut down to one frame (`globalZoneAwareCallback` in
 * polyfills.js) while Sentry's output still names `errorWithContext` in /main.js, a frame that is not in
 * the payload. Title, type and value can be checked; culprit and crash location follow the frame we have.
 */
const TRIMMED_FIXTURES: Record<string, { culprit: string; filename: string; function: string }> = {
  'js_error_with_context.json': {
    culprit: 'globalZoneAwareCallback(/polyfills.js)',
    filename: '/polyfills.js',
    function: 'globalZoneAwareCallback',
  },
};

describeWithFixtures('deriveEventSummary against what OSS Sentry showed (glitchtip fixtures)', () => {
  const pairs = fixturePairs();

  it('finds every fixture pair (14 incoming events, all with a Sentry counterpart)', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(14);
  });

  it.each(pairs)('%s: title, culprit and metadata equal Sentry', (name) => {
    const incoming = readJson(path.join(GLITCHTIP, 'incoming_events', name));
    const sentry = readJson(path.join(GLITCHTIP, 'oss_sentry_events', name));
    const summary = summarize(incoming);

    expect(summary.type).toBe(sentry.type);
    expect(summary.title).toBe(sentry.title);
    const trimmed = TRIMMED_FIXTURES[name];
    if (!trimmed) {
      expect(summary.culprit).toBe(sentry.culprit);
      expect(summary.metadata).toEqual(sentry.metadata);
      return;
    }
    const sentryMetadata = sentry.metadata as Record<string, unknown>;
    expect(JSON.stringify(incoming)).not.toContain(String(sentryMetadata.function));
    expect(summary.culprit).toBe(trimmed.culprit);
    expect(summary.metadata).toEqual({
      type: sentryMetadata.type,
      value: sentryMetadata.value,
      filename: trimmed.filename,
      function: trimmed.function,
    });
  });
});

describeWithFixtures('deriveEventSummary on @sentry/node 11 captures', () => {
  it('captureException: "{type}: {value}", JS culprit "{function}({module})", crash frame metadata', () => {
    const summary = summarize(envelopeEvent('node', '002-'));
    expect(summary).toEqual({
      type: 'error',
      title: 'TypeError: division by zero in divide()',
      culprit: 'divide(client)',
      metadata: {
        type: 'TypeError',
        value: 'division by zero in divide()',
        filename: '/srv/myapp/sentrynode/client.js',
        function: 'divide',
      },
    });
  });

  it('captureMessage with its type-less synthetic exception is a message event', () => {
    const summary = summarize(envelopeEvent('node', '003-'));
    expect(summary).toEqual({
      type: 'default',
      title: 'Something noteworthy happened',
      culprit: '',
      metadata: { title: 'Something noteworthy happened' },
    });
  });

  it('captureException(string): synthetic "Error" type left out (Sentry), the value is the title', () => {
    const summary = summarize(envelopeEvent('node', '017-'));
    expect(summary.type).toBe('error');
    expect(summary.title).toBe('a plain string thrown');
    // The crash frame is the anonymous arrow function ("?"), which Sentry does not show.
    expect(summary.metadata).toEqual({
      value: 'a plain string thrown',
      filename: '/srv/myapp/sentrynode/client.js',
    });
    expect(summary.culprit).toBe('');
  });

  it('CSP report: GlitchTip title and the directive as culprit', () => {
    const report = readJson(path.join(GLITCHTIP, 'csp', 'mozilla_example.json'));
    expect(summarize(cspReportToEvent(report))).toEqual({
      type: 'csp',
      title: "Blocked 'style-elem' from 'example.com'",
      culprit: 'style-src-elem',
      metadata: {
        directive: 'style-src-elem',
        uri: 'example.com',
        message: "Blocked 'style-elem' from 'example.com'",
      },
    });
  });
});

describe('deriveEventSummary rules', () => {
  it('cuts the value line of an error title at 100 chars with "..." and keeps only the first line', () => {
    const value = `${'x'.repeat(150)}\nsecond line`;
    const summary = summarize({ exception: [{ type: 'ValueError', value }] });
    expect(summary.title).toBe(`ValueError: ${'x'.repeat(97)}...`);
    expect(summary.metadata.value).toBe(value);
  });

  it('uses the type alone when the value is empty, and "Error" when the type is missing', () => {
    expect(summarize({ exception: [{ type: 'KeyboardInterrupt' }] }).title).toBe('KeyboardInterrupt');
    const summary = summarize({ exception: [{ value: 'no type here', mechanism: { type: 'generic' } }] });
    expect(summary.title).toBe('Error: no type here');
  });

  it('interpolates messages and falls back to <unlabeled event>', () => {
    expect(summarize({ logentry: { message: 'User %s has %d items', params: ['jane', 3] } }).title).toBe(
      'User jane has 3 items',
    );
    expect(summarize({ message: { message: 'Hello {name}', params: { name: 'world' } } }).title).toBe(
      'Hello world',
    );
    expect(summarize({ level: 'info' }).title).toBe('<unlabeled event>');
  });

  it('culprit: culprit field, else transaction, else stack, else request URL; cut to 200', () => {
    const frames = [{ module: 'app.views', function: 'index', filename: 'app/views.py', in_app: true }];
    expect(
      summarize({ platform: 'python', exception: [{ type: 'E', stacktrace: { frames } }] }).culprit,
    ).toBe('app.views in index');
    expect(
      summarize({
        transaction: '/home',
        platform: 'python',
        exception: [{ type: 'E', stacktrace: { frames } }],
      }).culprit,
    ).toBe('/home');
    expect(summarize({ culprit: 'legacy', transaction: '/home', message: 'x' }).culprit).toBe('legacy');
    expect(summarize({ message: 'x', request: { url: 'https://example.com/a?b=1' } }).culprit).toBe(
      'https://example.com/a',
    );
    expect(summarize({ message: 'x', transaction: 't'.repeat(300) }).culprit).toHaveLength(200);
    expect(
      summarize({
        platform: 'cocoa',
        exception: [{ type: 'E', stacktrace: { frames: [{ function: 'main' }] } }],
      }).culprit,
    ).toBe('main');
  });

  it('crash frame: last in-app frame with a known function, else the last frame with a function', () => {
    const frames = [
      { filename: 'a.py', function: 'outer', in_app: true },
      { filename: 'b.py', function: 'inner', in_app: true },
      { filename: 'lib.py', function: 'helper', in_app: false },
      { filename: 'lib.py', function: '<unknown>', in_app: false },
    ];
    const summary = summarize({ exception: [{ type: 'E', value: 'v', stacktrace: { frames } }] });
    expect(summary.metadata).toMatchObject({ filename: 'b.py', function: 'inner' });
  });
});
