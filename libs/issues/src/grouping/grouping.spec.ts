import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeGroupingHash, normalizeFilename, normalizeMessageForGrouping } from './grouping';
import { GroupingEvent, GroupingFrame } from './grouping.types';

const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;

/** The event line (third line) of a captured @sentry/node envelope. */
function nodeCapture(prefix: string): GroupingEvent & Record<string, unknown> {
  const folder = path.join(FIXTURES, 'sdk-captures/node');
  const file = fs.readdirSync(folder).find((name) => name.startsWith(prefix) && name.endsWith('.body.bin'));
  return JSON.parse(fs.readFileSync(path.join(folder, file as string), 'utf8').split('\n')[2]);
}

function jsError(options: { type?: string; value?: string; frames?: GroupingFrame[] } = {}): GroupingEvent {
  return {
    platform: 'javascript',
    exception: {
      values: [
        {
          type: options.type ?? 'TypeError',
          value: options.value ?? "Cannot read properties of undefined (reading 'id')",
          mechanism: { type: 'onerror' },
          stacktrace: {
            frames: options.frames ?? [
              { filename: 'https://cdn.example.com/vendor.9f8e7d6c.js', function: 'Zone.run', in_app: false },
              {
                filename: 'https://app.example.com/static/app.3f2a1b.js',
                function: 'Cart.render',
                in_app: true,
              },
              {
                filename: 'https://app.example.com/static/app.3f2a1b.js',
                function: 'loadUser',
                in_app: true,
              },
            ],
          },
        },
      ],
    },
  };
}

function hash(event: GroupingEvent): string {
  return computeGroupingHash(event).hash;
}

describe('computeGroupingHash: exceptions', () => {
  it('returns an md5 hex hash and the strategy used', () => {
    const result = computeGroupingHash(jsError());
    expect(result.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(result.strategy).toBe('exception');
  });

  it('groups the same error twice despite other line numbers, build hashes, origins and values', () => {
    const first = jsError({
      value: 'User 123 has no cart',
      frames: [
        {
          filename: 'https://app.example.com/static/app.3f2a1b.js',
          function: 'Cart.render',
          lineno: 10,
          colno: 5,
          in_app: true,
        },
        {
          filename: 'https://app.example.com/static/app.3f2a1b.js',
          function: 'loadUser',
          lineno: 20,
          colno: 7,
          in_app: true,
        },
      ],
    });
    const second = jsError({
      value: 'User 456 has no cart',
      frames: [
        {
          filename: 'http://localhost:8080/static/app.9c8b7a.js?v=2',
          function: 'n.render',
          lineno: 99,
          colno: 1,
          in_app: true,
        },
        {
          filename: 'http://localhost:8080/static/app.9c8b7a.js?v=2',
          function: 'loadUser',
          lineno: 300,
          colno: 2,
          in_app: true,
        },
      ],
    });
    expect(hash(first)).toBe(hash(second));
  });

  it('tells different exception types apart', () => {
    expect(hash(jsError({ type: 'TypeError' }))).not.toBe(hash(jsError({ type: 'RangeError' })));
  });

  it('tells a different in-app function apart, but ignores changes to system frames', () => {
    const base = jsError();
    const otherFunction = jsError({
      frames: [
        { filename: 'app.js', function: 'Cart.render', in_app: true },
        { filename: 'app.js', function: 'loadOrder', in_app: true },
      ],
    });
    const sameInApp = jsError({
      frames: [
        { filename: 'https://cdn.example.com/other-lib.js', function: 'Other.call', in_app: false },
        { filename: '/static/app.77aa88.js', function: 'Cart.render', in_app: true },
        { filename: '/static/app.77aa88.js', function: 'loadUser', in_app: true },
      ],
    });
    expect(hash(base)).not.toBe(hash(otherFunction));
    expect(hash(base)).toBe(hash(sameInApp));
  });

  it('uses every frame when none is in-app, and module over filename', () => {
    const event = (module: string, filename: string): GroupingEvent => ({
      platform: 'python',
      exception: {
        values: [
          { type: 'KeyError', value: 'x', stacktrace: { frames: [{ module, filename, function: 'get' }] } },
        ],
      },
    });
    expect(hash(event('shop.views', 'shop/views.py'))).toBe(hash(event('shop.views', '/srv/other/views.py')));
    expect(hash(event('shop.views', 'shop/views.py'))).not.toBe(hash(event('shop.api', 'shop/views.py')));
  });

  it('collapses recursion: the same frame repeated any number of times counts once', () => {
    const recursion = (depth: number) =>
      jsError({
        frames: [
          { filename: 'tree.js', function: 'main', in_app: true },
          ...Array.from({ length: depth }, () => ({ filename: 'tree.js', function: 'walk', in_app: true })),
        ],
      });
    expect(hash(recursion(3))).toBe(hash(recursion(40)));
  });

  it('ignores the type of synthetic exceptions', () => {
    const event = (type: string): GroupingEvent => ({
      exception: {
        values: [
          { type, mechanism: { synthetic: true }, stacktrace: { frames: [{ module: 'm', function: 'f' }] } },
        ],
      },
    });
    expect(hash(event('SIGSEGV'))).toBe(hash(event('SIGBUS')));
  });

  it('falls back to type + normalized value when no frame contributes', () => {
    const event = (value: string): GroupingEvent => ({
      exception: { values: [{ type: 'ValueError', value }] },
    });
    expect(computeGroupingHash(event('bad id 12')).strategy).toBe('exception-value');
    expect(hash(event('bad id 12'))).toBe(hash(event('bad id 99')));
    expect(hash(event('bad id 12'))).not.toBe(hash(event('bad name 12')));
  });

  it('adds the value when frames only name a file (minified code without function names)', () => {
    const minified = (value: string) =>
      jsError({
        value,
        frames: [{ filename: 'https://x.example.com/dist/bundle.js', function: '?', in_app: true }],
      });
    expect(hash(minified('this is an error'))).not.toBe(hash(minified('another error')));
    expect(hash(minified('item 1 missing'))).toBe(hash(minified('item 2 missing')));
  });
});

describe('computeGroupingHash: messages', () => {
  const message = (text: string, extra: Partial<GroupingEvent> = {}): GroupingEvent => ({
    logentry: { formatted: text },
    ...extra,
  });

  it('groups messages that differ only in variable parts', () => {
    expect(hash(message('User 123 not found'))).toBe(hash(message('User 456 not found')));
    expect(hash(message('User 123 not found'))).not.toBe(hash(message('Order 123 not found')));
    expect(computeGroupingHash(message('User 123 not found')).strategy).toBe('message');
  });

  it('prefers the logentry template when params are present', () => {
    const templated = (name: string): GroupingEvent => ({
      logentry: { message: 'Login failed for %s', params: [name], formatted: `Login failed for ${name}` },
    });
    expect(hash(templated('alice'))).toBe(hash(templated('bob')));
  });

  it('only looks at the first two non-empty lines', () => {
    expect(hash(message('Failed\n\nretrying\ntrace A'))).toBe(hash(message('Failed\nretrying\ntrace B')));
  });

  it('CSP reports group by directive and blocked host', () => {
    const csp = (directive: string, uri: string): GroupingEvent => ({
      csp: { effective_directive: directive, blocked_uri: uri },
    });
    expect(hash(csp('script-src', 'https://evil.example/a.js'))).toBe(
      hash(csp('script-src', 'https://evil.example/b.js')),
    );
    expect(hash(csp('script-src', 'https://evil.example/a.js'))).not.toBe(
      hash(csp('img-src', 'https://evil.example/a.js')),
    );
    expect(computeGroupingHash(csp('img-src', 'data:xyz')).strategy).toBe('csp');
  });
});

describe('computeGroupingHash: fingerprints', () => {
  it('a fingerprint without {{ default }} replaces the default grouping entirely', () => {
    const a = { ...jsError({ type: 'TypeError' }), fingerprint: ['payment-timeout'] };
    const b = { ...jsError({ type: 'RangeError' }), fingerprint: ['payment-timeout'] };
    expect(hash(a)).toBe(hash(b));
    expect(hash(a)).not.toBe(hash(jsError({ type: 'TypeError' })));
    expect(computeGroupingHash(a).strategy).toBe('fingerprint');
  });

  it('{{ default }} keeps the default grouping and refines it with the other entries', () => {
    const withDefault = (type: string, extra: string) => ({
      ...jsError({ type }),
      fingerprint: ['{{ default }}', extra],
    });
    expect(hash(withDefault('TypeError', 'checkout'))).toBe(hash(withDefault('TypeError', 'checkout')));
    expect(hash(withDefault('TypeError', 'checkout'))).not.toBe(hash(withDefault('RangeError', 'checkout')));
    expect(hash(withDefault('TypeError', 'checkout'))).not.toBe(hash(withDefault('TypeError', 'cart')));
    expect(hash(withDefault('TypeError', 'checkout'))).not.toBe(hash(jsError({ type: 'TypeError' })));
    expect(computeGroupingHash(withDefault('TypeError', 'checkout')).strategy).toBe('fingerprint+exception');
    // Spacing inside the braces does not matter.
    expect(hash({ ...jsError(), fingerprint: ['{{default}}'] })).toBe(
      hash({ ...jsError(), fingerprint: ['{{ default }}'] }),
    );
  });

  it('expands variables, with <no-...> placeholders for missing values', () => {
    const event = (extra: Partial<GroupingEvent>): GroupingEvent => ({ ...jsError(), ...extra });
    const byTransaction = (transaction?: string) =>
      hash(event({ transaction, fingerprint: ['{{ transaction }}', '{{ error.type }}'] }));
    expect(byTransaction('/cart')).toBe(byTransaction('/cart'));
    expect(byTransaction('/cart')).not.toBe(byTransaction('/checkout'));
    expect(byTransaction(undefined)).toBe(hash(event({ fingerprint: ['<no-transaction>', 'TypeError'] })));

    const byTag = (tags: GroupingEvent['tags']) =>
      hash(event({ tags, fingerprint: ['{{ tags.customer }}', '{{ level }}'] }));
    expect(byTag([['customer', 'acme']])).toBe(byTag({ customer: 'acme' }));
    expect(byTag([['customer', 'acme']])).not.toBe(byTag([['customer', 'globex']]));
    expect(byTag([])).toBe(hash(event({ fingerprint: ['<no-value-for-tag-customer>', '<no-level>'] })));

    expect(hash(event({ fingerprint: ['{{ message }}'] }))).toBe(
      hash(event({ fingerprint: ['<no-message>'] })),
    );
    expect(hash(event({ fingerprint: ['{{ value }}'] }))).toBe(
      hash(event({ fingerprint: ["Cannot read properties of undefined (reading 'id')"] })),
    );
  });
});

describe('normalizeMessageForGrouping', () => {
  it.each([
    ['User 123 not found', 'User <int> not found'],
    ['took 1.5 seconds and 250ms', 'took <duration> and <duration>'],
    ['ratio 0.75 too high', 'ratio <float> too high'],
    ['order 9ec79c33-ec99-42ab-8353-589fcb2e04dc failed', 'order <uuid> failed'],
    ['connect to 10.0.0.12:5432 refused', 'connect to <ip> refused'],
    ['bad address fe80::1ff:fe23:4567:890a', 'bad address <ip>'],
    ['mail jane.doe+x@example.com bounced', 'mail <email> bounced'],
    ['GET https://api.example.com/v1/users/42?x=1 failed', 'GET <url> failed'],
    ['at 2024-05-01T12:00:00.123Z and 2024-05-02', 'at <date> and <date>'],
    ['segfault at 0x7ffd3a2c', 'segfault at <hex>'],
    ['commit 3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a missing', 'commit <hex> missing'],
    ['  spaced   out\n\n second line \n third line', 'spaced out\nsecond line'],
    ['order_123 and v2 and strings8', 'order_<int> and v2 and strings8'],
  ])('%p → %p', (input, expected) => {
    expect(normalizeMessageForGrouping(input)).toBe(expected);
  });
});

describe('normalizeFilename', () => {
  it.each([
    ['https://app.example.com/static/js/app.3f2a1b.js', 'app.<hash>.js'],
    ['/static/js/main.4d5e6f7a.chunk.js', 'main.<hash>.chunk.js'],
    ['https://cdn.example.com/jquery-3.6.0.min.js', 'jquery-<version>.min.js'],
    ['C:\\Projects\\App\\Program.CS', 'program.cs'],
    ['/srv/app/views.py', 'views.py'],
    ['<anonymous>', ''],
    ['[native code]', ''],
  ])('%p → %p', (input, expected) => {
    expect(normalizeFilename(input)).toBe(expected);
  });
});

describeWithFixtures('computeGroupingHash on @sentry/node 11 captures', () => {
  it('captureMessage (003) groups by its message, not by the synthetic exception', () => {
    const event = nodeCapture('003-');
    const result = computeGroupingHash(event);
    expect(result.strategy).toBe('message');
    // Same as a plain message event without any stack...
    expect(result.hash).toBe(hash({ message: 'Something noteworthy happened' }));
    // ...and unaffected by where captureMessage was called from.
    const moved = JSON.parse(JSON.stringify(event));
    moved.exception.values[0].stacktrace.frames = [{ module: 'elsewhere', function: 'other', in_app: true }];
    expect(hash(moved)).toBe(result.hash);
  });

  it('captureException (002) groups by type and in-app frames; line numbers do not matter', () => {
    const event = nodeCapture('002-');
    const result = computeGroupingHash(event);
    expect(result.strategy).toBe('exception');
    const shifted = JSON.parse(JSON.stringify(event));
    for (const frame of shifted.exception.values[0].stacktrace.frames) frame.lineno += 7;
    expect(hash(shifted)).toBe(result.hash);
  });

  it('the 004 fingerprint ["{{ default }}", "checkout"] refines the default grouping', () => {
    const event = nodeCapture('004-');
    const result = computeGroupingHash(event);
    expect(result.strategy).toBe('fingerprint+exception');
    expect(result.hash).not.toBe(hash({ ...event, fingerprint: undefined }));
  });
});
