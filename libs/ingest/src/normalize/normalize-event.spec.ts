import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeEvent, NORMALIZE_LIMITS } from './normalize-event';
import { NormalizeContext, NormalizedEvent } from './normalized-event.types';

const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;
const RECEIVED_AT = new Date('2024-05-01T12:00:00Z');
const RECEIVED_SECONDS = RECEIVED_AT.getTime() / 1000;

function normalize(raw: unknown, ctx: Partial<NormalizeContext> = {}): NormalizedEvent {
  return normalizeEvent(raw as Record<string, unknown>, { receivedAt: RECEIVED_AT, ...ctx });
}

function errorTypes(event: NormalizedEvent): string[] {
  return event.errors.map((error) => error.type);
}

function hasError(event: NormalizedEvent, type: string, name?: string): boolean {
  return event.errors.some((error) => error.type === type && (name === undefined || error.name === name));
}

describe('normalizeEvent: event_id', () => {
  it('accepts 32 hex and dashed UUIDs, lowercased, without errors', () => {
    expect(normalize({ event_id: 'ABCDEF0123456789ABCDEF0123456789' }).event_id).toBe(
      'abcdef0123456789abcdef0123456789',
    );
    const dashed = normalize({ event_id: '9ec79c33-ec99-42ab-8353-589fcb2e04dc' });
    expect(dashed.event_id).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
    expect(dashed.errors).toEqual([]);
  });

  it('lets the envelope/URL id win over the payload', () => {
    const event = normalize({ event_id: 'a'.repeat(32) }, { eventId: 'B'.repeat(32) });
    expect(event.event_id).toBe('b'.repeat(32));
  });

  it('generates an id when missing (no error) or invalid (error recorded)', () => {
    const missing = normalize({});
    expect(missing.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(missing.errors).toEqual([]);
    const invalid = normalize({ event_id: 'not-an-id' });
    expect(invalid.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(invalid.errors).toContainEqual({ type: 'invalid_data', name: 'event_id', value: 'not-an-id' });
  });
});

describe('normalizeEvent: timestamp', () => {
  it('parses float seconds and ISO strings with or without zone (naive = UTC), outputs both forms', () => {
    const float = normalize({ timestamp: RECEIVED_SECONDS - 10.5 });
    expect(float.timestamp).toBe(RECEIVED_SECONDS - 10.5);
    expect(float.datetime).toBe('2024-05-01T11:59:49.500Z');
    expect(normalize({ timestamp: '2024-05-01T11:00:00.123456Z' }).datetime).toBe(
      '2024-05-01T11:00:00.123456Z',
    );
    expect(normalize({ timestamp: '2024-05-01T11:00:00' }).timestamp).toBe(RECEIVED_SECONDS - 3600);
    expect(normalize({ timestamp: '2024-05-01T13:00:00+02:00' }).timestamp).toBe(RECEIVED_SECONDS - 3600);
    // Go sends nanoseconds.
    expect(normalize({ timestamp: '2024-05-01T11:59:59.999999999Z' }).datetime).toBe(
      '2024-05-01T11:59:59.999999Z',
    );
  });

  it('replaces timestamps no date can show (past year 9999, 1e308) and never throws on them', () => {
    for (const timestamp of [1e308, 253_402_300_800, '1e308', Number.MAX_VALUE]) {
      const event = normalize({ timestamp, start_timestamp: timestamp });
      expect(event.timestamp).toBe(RECEIVED_SECONDS);
      expect(event.start_timestamp).toBeUndefined();
      expect(event.errors).toContainEqual(
        expect.objectContaining({ type: 'invalid_data', name: 'timestamp' }),
      );
    }
  });

  it('uses the receive time when missing', () => {
    const event = normalize({});
    expect(event.timestamp).toBe(RECEIVED_SECONDS);
    expect(event.received).toBe('2024-05-01T12:00:00.000Z');
    expect(event.errors).toEqual([]);
  });

  it('replaces future (>60 s), too old (>30 days) and unparsable timestamps, recording why', () => {
    const future = normalize({ timestamp: RECEIVED_SECONDS + 120 });
    expect(future.timestamp).toBe(RECEIVED_SECONDS);
    expect(errorTypes(future)).toEqual(['future_timestamp']);
    expect(normalize({ timestamp: RECEIVED_SECONDS + 30 }).errors).toEqual([]);

    const past = normalize({ timestamp: '2024-03-01T00:00:00Z' });
    expect(past.timestamp).toBe(RECEIVED_SECONDS);
    expect(errorTypes(past)).toEqual(['past_timestamp']);

    const garbage = normalize({ timestamp: 'yesterday' });
    expect(garbage.timestamp).toBe(RECEIVED_SECONDS);
    expect(garbage.errors).toContainEqual({ type: 'invalid_data', name: 'timestamp', value: 'yesterday' });
    expect(hasError(normalize({ timestamp: '10000-01-01T00:00:00Z' }), 'invalid_data', 'timestamp')).toBe(
      true,
    );
  });

  it('corrects a client clock that is off by an hour or more when sent_at is known', () => {
    const sentAt = new Date(RECEIVED_AT.getTime() - 2 * 3600 * 1000);
    const event = normalize({ timestamp: sentAt.getTime() / 1000 - 5 }, { sentAt });
    expect(event.timestamp).toBe(RECEIVED_SECONDS - 5);
    expect(errorTypes(event)).toEqual(['clock_drift']);
  });
});

describe('normalizeEvent: level, platform and simple attributes', () => {
  it.each([
    ['log', 'info'],
    ['critical', 'fatal'],
    ['warn', 'warning'],
    ['WARNING', 'warning'],
    [10, 'debug'],
    [20, 'info'],
    [30, 'warning'],
    [40, 'error'],
    [50, 'fatal'],
    ['30', 'warning'],
  ])('maps level %p to %p', (input, level) => {
    const event = normalize({ level: input });
    expect(event.level).toBe(level);
    expect(event.errors).toEqual([]);
  });

  it('defaults an unknown level to error and records it; a missing one silently', () => {
    const event = normalize({ level: 'loud' });
    expect(event.level).toBe('error');
    expect(event.errors).toEqual([{ type: 'invalid_data', name: 'level', value: 'loud' }]);
    expect(normalize({}).level).toBe('error');
  });

  it('defaults platform to other; stringifies and trims release/environment; drops empty ones', () => {
    const event = normalize({ release: 42, environment: '  production  ', dist: '' });
    expect(event.platform).toBe('other');
    expect(event.release).toBe('42');
    expect(event.environment).toBe('production');
    expect(event.dist).toBeUndefined();
    expect(normalize({ release: '   ' }).release).toBeUndefined();
  });

  it('drops an over-long release and truncates an over-long transaction, recording both', () => {
    const event = normalize({ release: 'r'.repeat(201), transaction: 't'.repeat(250) });
    expect(event.release).toBeUndefined();
    expect(event.transaction).toHaveLength(NORMALIZE_LIMITS.transaction);
    expect(event.transaction?.endsWith('...')).toBe(true);
    expect(hasError(event, 'invalid_data', 'release')).toBe(true);
    expect(hasError(event, 'value_too_long', 'transaction')).toBe(true);
  });

  it('keeps server_name and site for tags', () => {
    const event = normalize({ server_name: 'web-1', site: 'eu' });
    expect(event).toMatchObject({ server_name: 'web-1', site: 'eu' });
  });
});

describe('normalizeEvent: message and logentry', () => {
  it('moves a plain message string into logentry.formatted', () => {
    expect(normalize({ message: 'Hello' }).logentry).toEqual({ formatted: 'Hello' });
  });

  it('backfills formatted from %s / %d / {name} templates, keeping the template and params', () => {
    expect(
      normalize({ logentry: { message: 'User %s has %d items (%%)', params: ['jane', 3.7] } }).logentry,
    ).toEqual({
      message: 'User %s has %d items (%%)',
      params: ['jane', 3.7],
      formatted: 'User jane has 3 items (%)',
    });
    expect(
      normalize({ message: { message: 'Hi {name}, {0}', params: { name: 'Bob' } } }).logentry?.formatted,
    ).toBe('Hi Bob, {0}');
    expect(
      normalize({ logentry: { message: '%(user)s left', params: { user: 'ann' } } }).logentry?.formatted,
    ).toBe('ann left');
  });

  it('keeps a formatted text that the SDK already sent', () => {
    const event = normalize({
      message: { message: 'like {foo}', params: { foo: 'this' }, formatted: 'like {foo}' },
    });
    expect(event.logentry?.formatted).toBe('like {foo}');
  });

  it('drops an empty message and truncates a huge one at 8192 chars', () => {
    expect(normalize({ message: '' }).logentry).toBeUndefined();
    const event = normalize({ message: 'm'.repeat(10_000) });
    expect(event.logentry?.formatted).toHaveLength(NORMALIZE_LIMITS.message);
    expect(hasError(event, 'value_too_long', 'logentry.formatted')).toBe(true);
  });
});

describe('normalizeEvent: exception, stacktrace, threads, breadcrumbs', () => {
  const exception = { type: 'ValueError', value: 'bad' };

  it('accepts a list, {values} or a single object, always giving {values}', () => {
    for (const form of [[exception], { values: [exception] }, exception]) {
      expect(normalize({ exception: form }).exception).toEqual({ values: [exception] });
    }
  });

  it('drops exception values with neither type nor value, recording it', () => {
    const event = normalize({
      exception: [null, { type: '', value: '' }, exception, { mechanism: { type: 'x' } }],
    });
    expect(event.exception?.values).toEqual([exception]);
    expect(event.errors.filter((error) => error.type === 'invalid_data')).toHaveLength(2);
    expect(normalize({ exception: [] }).exception).toBeUndefined();
  });

  it('moves a top-level stacktrace into a lone exception', () => {
    const frames = [{ function: 'main', filename: 'main.go', lineno: 3 }];
    const event = normalize({ exception: { values: [exception] }, stacktrace: { frames } });
    expect(event.stacktrace).toBeUndefined();
    expect(event.exception?.values[0].stacktrace?.frames).toEqual([
      { function: 'main', filename: 'main.go', abs_path: 'main.go', lineno: 3 },
    ]);
  });

  it('keeps URL frames in abs_path and shows their path as filename', () => {
    const event = normalize({
      exception: [
        {
          type: 'Error',
          stacktrace: { frames: [{ filename: 'http://localhost:4201/vendor.js?v=1', lineno: 1 }] },
        },
      ],
    });
    expect(event.exception?.values[0].stacktrace?.frames[0]).toEqual({
      filename: '/vendor.js',
      abs_path: 'http://localhost:4201/vendor.js?v=1',
      lineno: 1,
    });
  });

  it('gives a mechanism without type the type "generic" and records it; drops a non-object mechanism', () => {
    const event = normalize({
      exception: [
        { type: 'E', mechanism: { handled: false } },
        { type: 'F', mechanism: 'x' },
      ],
    });
    expect(event.exception?.values[0].mechanism).toEqual({ type: 'generic', handled: false });
    expect(event.exception?.values[1].mechanism).toBeUndefined();
    expect(errorTypes(event)).toEqual(['missing_attribute', 'invalid_data']);
  });

  it('keeps the first and last 250 frames of a longer stack trace', () => {
    const frames = Array.from({ length: 600 }, (_, index) => ({ function: `f${index}` }));
    const event = normalize({ exception: [{ type: 'RecursionError', stacktrace: { frames } }] });
    const stacktrace = event.exception?.values[0].stacktrace;
    expect(stacktrace?.frames).toHaveLength(500);
    expect(stacktrace?.frames[249].function).toBe('f249');
    expect(stacktrace?.frames[250].function).toBe('f350');
    expect(stacktrace?.frames_omitted).toEqual([250, 350]);
    expect(hasError(event, 'items_trimmed', 'exception.values.0.stacktrace.frames')).toBe(true);
  });

  it('normalizes threads and breadcrumbs from any of the three forms and keeps the newest 100 breadcrumbs', () => {
    expect(normalize({ threads: [{ id: 1, crashed: true }] }).threads).toEqual({
      values: [{ id: 1, crashed: true }],
    });
    const crumbs = Array.from({ length: 120 }, (_, index) => ({
      message: `c${index}`,
      timestamp: RECEIVED_SECONDS - 100 + index / 10,
    }));
    const event = normalize({ breadcrumbs: { values: crumbs } });
    expect(event.breadcrumbs?.values).toHaveLength(100);
    expect(event.breadcrumbs?.values[0].message).toBe('c20');
    expect(hasError(event, 'items_trimmed', 'breadcrumbs.values')).toBe(true);
    const single = normalize({
      breadcrumbs: { message: 'one', level: 'warn', timestamp: '2024-05-01T11:00:00Z' },
    });
    expect(single.breadcrumbs?.values).toEqual([
      { message: 'one', level: 'warning', timestamp: RECEIVED_SECONDS - 3600 },
    ]);
  });
});

describe('normalizeEvent: tags', () => {
  it('turns objects and pair lists into cleaned, de-duplicated string pairs', () => {
    const event = normalize({
      tags: [
        ['customer', 'acme'],
        ['customer', 'other'],
        ['count', 42],
        ['flag', true],
        ['my key', 'v'],
        ['empty', ''],
        ['bad\nvalue', 'x'],
        ['multi', 'a\nb'],
        ['nothing', null],
      ],
    });
    expect(event.tags).toEqual([
      ['customer', 'acme'],
      ['count', '42'],
      ['flag', 'True'],
      ['my-key', 'v'],
      ['bad-value', 'x'],
    ]);
    // The empty value and the multi-line value.
    expect(errorTypes(event)).toEqual(['invalid_data', 'invalid_data']);
    expect(normalize({ tags: { a: 'b' } }).tags).toEqual([['a', 'b']]);
  });

  it('truncates keys and values to 200 chars and drops keys derived from other fields', () => {
    const event = normalize({ tags: { long: 'v'.repeat(300), release: '1.0', user: 'x' } });
    expect(event.tags).toEqual([['long', `${'v'.repeat(197)}...`]]);
    expect(hasError(event, 'value_too_long', 'tags.long')).toBe(true);
  });

  it('lifts the environment tag when the field is absent', () => {
    expect(normalize({ tags: { environment: 'staging' } })).toMatchObject({
      environment: 'staging',
      tags: [],
    });
    expect(normalize({ environment: 'prod', tags: { environment: 'staging' } }).environment).toBe('prod');
  });
});

describe('normalizeEvent: user, request, contexts, fingerprint', () => {
  it('resolves {{auto}} IPs from the client address, or drops them without one', () => {
    expect(normalize({ user: { id: 7, ip_address: '{{auto}}' } }, { clientIp: '203.0.113.9' }).user).toEqual({
      id: '7',
      ip_address: '203.0.113.9',
    });
    expect(normalize({ user: { id: '7', ip_address: '{{auto}}' } }).user).toEqual({ id: '7' });
    expect(normalize({ sdk: { settings: { infer_ip: 'auto' } } }, { clientIp: '::1' }).user).toEqual({
      ip_address: '::1',
    });
    expect(normalize({ sdk: { settings: { infer_ip: 'never' } } }, { clientIp: '::1' }).user).toBeUndefined();
  });

  it('moves unknown user keys into data and drops invalid IPs', () => {
    const event = normalize({ user: { username: 'jane', plan: 'pro', ip_address: 'nope' } });
    expect(event.user).toEqual({ username: 'jane', data: { plan: 'pro' } });
    expect(hasError(event, 'invalid_data', 'user.ip_address')).toBe(true);
  });

  it('normalizes headers, query strings and cookies from any form into sorted pairs without Cookie', () => {
    const fromObject = normalize({
      request: {
        url: 'https://example.com/a/b?z=1&a=2#top',
        method: 'post',
        headers: { 'user-agent': 'curl/8.0', Cookie: 'secret=1', 'X-Multi': ['a', 'b'], Accept: '*/*' },
        cookies: 'b=2; a=1',
      },
    }).request;
    expect(fromObject).toEqual({
      url: 'https://example.com/a/b',
      method: 'POST',
      fragment: 'top',
      query_string: [
        ['a', '2'],
        ['z', '1'],
      ],
      cookies: [
        ['a', '1'],
        ['b', '2'],
      ],
      headers: [
        ['Accept', '*/*'],
        ['User-Agent', 'curl/8.0'],
        ['X-Multi', 'a, b'],
      ],
    });
    const fromLists = normalize({
      request: {
        headers: [
          ['Host', 'x'],
          ['cookie', 'y'],
        ],
        query_string: [['q', 'search term']],
      },
    }).request;
    expect(fromLists).toEqual({ headers: [['Host', 'x']], query_string: [['q', 'search term']] });
    const fromRaw = normalize({
      request: { headers: 'Host: x\r\nAccept: */*', query_string: '?q=a%20b&x' },
    }).request;
    expect(fromRaw).toEqual({
      headers: [
        ['Accept', '*/*'],
        ['Host', 'x'],
      ],
      query_string: [
        ['q', 'a b'],
        ['x', ''],
      ],
    });
  });

  it('gives every context a type from its key and drops non-object contexts', () => {
    const event = normalize({
      contexts: { os: { name: 'Linux' }, gpu: { type: 'gpu', name: 'x' }, order: { id: 1 }, bad: 5 },
    });
    expect(event.contexts).toEqual({
      os: { type: 'os', name: 'Linux' },
      gpu: { type: 'gpu', name: 'x' },
      order: { type: 'order', id: 1 },
    });
    expect(event.errors).toEqual([{ type: 'invalid_data', name: 'contexts.bad', value: 5 }]);
  });

  it('reads OS and runtime name/version from raw_description (.NET)', () => {
    const event = normalize({
      contexts: { 'server-os': { type: 'os', raw_description: 'Linux 5.4.0-7626-generic #30 SMP' } },
    });
    expect(event.contexts?.['server-os']).toMatchObject({
      name: 'Linux',
      kernel_version: '5.4.0-7626-generic',
    });
  });

  it('derives browser/os/device contexts from the User-Agent header when missing', () => {
    const event = normalize({
      request: {
        headers: {
          'User-Agent':
            'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
        },
      },
    });
    expect(event.contexts).toEqual({
      browser: { type: 'browser', name: 'Chrome Mobile', version: '120.0.6099' },
      os: { type: 'os', name: 'Android', version: '13' },
      device: { type: 'device', family: 'Pixel 7', model: 'Pixel 7' },
    });
  });

  it('keeps fingerprints as strings (numbers stringified), dropping other entries', () => {
    const event = normalize({ fingerprint: ['{{ default }}', 42, null, { a: 1 }] });
    expect(event.fingerprint).toEqual(['{{ default }}', '42']);
    expect(errorTypes(event)).toEqual(['invalid_data', 'invalid_data']);
  });
});

describe('normalizeEvent: size limits and robustness', () => {
  it('truncates huge extra values and caps the depth of extra and contexts, recording it', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 15; i++) deep = { child: deep };
    const event = normalize({ extra: { big: 'x'.repeat(200_000), deep }, contexts: { custom: deep } });
    const big = event.extra?.big as string;
    expect(big.length).toBeLessThanOrEqual(NORMALIZE_LIMITS.extraItemChars);
    expect(JSON.stringify(event.extra?.deep)).toContain('[Object]');
    expect(JSON.stringify(event.contexts?.custom)).toContain('[Object]');
    expect(hasError(event, 'items_trimmed', 'extra.big')).toBe(true);
    expect(hasError(event, 'items_trimmed', 'extra.deep')).toBe(true);
    expect(hasError(event, 'items_trimmed', 'contexts.custom')).toBe(true);
    expect(JSON.stringify(event).length).toBeLessThan(100_000);
  });

  it('removes NUL characters from strings and keys', () => {
    const event = normalize({
      message: 'a\u0000b',
      tags: { 'k\u0000': 'v\u0000' },
      extra: { 'x\u0000': 'y\u0000' },
    });
    expect(event.logentry?.formatted).toBe('ab');
    expect(event.tags).toEqual([['k', 'v']]);
    expect(event.extra).toEqual({ x: 'y' });
  });

  it('maps the legacy sentry.interfaces.* keys onto the modern ones', () => {
    const event = normalize({
      'sentry.interfaces.Exception': { values: [{ type: 'E', value: 'v' }] },
      'sentry.interfaces.Message': { message: 'hi %s', params: ['there'] },
      'sentry.interfaces.User': { id: '1' },
      'sentry.interfaces.Http': { url: 'https://example.com/' },
      'sentry.interfaces.Stacktrace': { frames: [{ function: 'f' }] },
    });
    expect(event.exception?.values[0]).toEqual({
      type: 'E',
      value: 'v',
      stacktrace: { frames: [{ function: 'f' }] },
    });
    expect(event.logentry?.formatted).toBe('hi there');
    expect(event.user).toEqual({ id: '1' });
    expect(event.request).toEqual({ url: 'https://example.com/' });
  });

  it('never throws on values of the wrong type; drops them and records each', () => {
    const odd = {
      event_id: 12,
      timestamp: { when: 'now' },
      level: [],
      platform: 5,
      message: ['a'],
      exception: 'boom',
      breadcrumbs: 7,
      threads: 'x',
      tags: 'k:v',
      extra: [1, 2],
      contexts: 'ctx',
      user: 'jane',
      request: 5,
      fingerprint: 'fp',
      modules: 3,
      sdk: 'sentry.python',
      csp: 1,
      stacktrace: { frames: 'none' },
    };
    const event = normalize(odd);
    expect(event).toMatchObject({ level: 'error', platform: 'other', tags: [] });
    for (const key of [
      'exception',
      'breadcrumbs',
      'threads',
      'extra',
      'contexts',
      'user',
      'request',
      'fingerprint',
      'modules',
      'sdk',
      'csp',
    ]) {
      expect(event).not.toHaveProperty(key);
    }
    expect(event.errors.length).toBeGreaterThanOrEqual(16);
    expect(() => normalize(null)).not.toThrow();
    expect(() => normalize([1, 2, 3])).not.toThrow();
    expect(() => normalize('text')).not.toThrow();
  });

  it('backfills sdk from sentry_client when the payload has none', () => {
    expect(normalize({}, { sentryClient: 'sentry.python/1.9.10' }).sdk).toEqual({
      name: 'sentry.python',
      version: '1.9.10',
    });
  });
});

describeWithFixtures('normalizeEvent on real SDK payloads', () => {
  it('python-django store body (sentry-sdk 1.9.10): canonical shape, no repairs needed', () => {
    const raw = JSON.parse(
      fs.readFileSync(
        path.join(FIXTURES, 'sdk-captures/python-django/001-POST-api_1_store.body.decoded'),
        'utf8',
      ),
    );
    const event = normalize(raw, { receivedAt: new Date('2026-11-23T15:33:32Z') });
    expect(event.errors).toEqual([]);
    expect(event).toMatchObject({
      event_id: 'd1a813622e594a5fbee169ee953e94c4',
      datetime: '2026-11-23T15:33:31.834288Z',
      level: 'error',
      platform: 'python',
      transaction: '/glitchtip-debug/',
      environment: 'development',
      server_name: 'vm',
    });
    expect(event.breadcrumbs).toBeUndefined();
    expect(event.exception?.values[0]).toMatchObject({
      type: 'ZeroDivisionError',
      value: 'division by zero',
    });
    expect(event.request?.headers).toContainEqual(['User-Agent', 'curl/7.88.1']);
  });

  it('node 015: a 200 KB extra is cut down and recorded', () => {
    const body = fs.readFileSync(
      path.join(FIXTURES, 'sdk-captures/node/015-POST-api_1_envelope.body.decoded'),
      'utf8',
    );
    const raw = JSON.parse(body.split('\n')[2]);
    const event = normalize(raw, { receivedAt: new Date(raw.timestamp * 1000) });
    expect((event.extra?.big as string).length).toBeLessThanOrEqual(NORMALIZE_LIMITS.extraItemChars);
    expect(event.errors).toEqual([{ type: 'items_trimmed', name: 'extra.big' }]);
  });
});
