import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeEvent } from './normalize-event';
import { NormalizedEvent } from './normalized-event.types';
import { extractTags, userKey } from './tags';
import { parseUserAgent } from './user-agent';

const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;

function normalize(raw: Record<string, unknown>, clientIp?: string): NormalizedEvent {
  const receivedAt = typeof raw.timestamp === 'number' ? new Date(raw.timestamp * 1000) : new Date();
  return normalizeEvent(raw, { receivedAt, clientIp });
}

describeWithFixtures('extractTags on real SDK events', () => {
  it('@sentry/node 004 (tags, user, contexts): own tags plus derived ones, sorted by key', () => {
    const body = fs.readFileSync(
      path.join(FIXTURES, 'sdk-captures/node/004-POST-api_1_envelope.body.bin'),
      'utf8',
    );
    const event = normalize(JSON.parse(body.split('\n')[2]));
    expect(extractTags(event)).toEqual([
      ['customer', 'acme'],
      ['environment', 'development'],
      ['feature', 'checkout'],
      ['handled', 'yes'],
      ['level', 'error'],
      ['mechanism', 'generic'],
      // The SDK's os.version is "12.11\n": whitespace never reaches a tag.
      ['os', 'Debian 12.11'],
      ['os.name', 'Debian'],
      ['release', 'myapp@1.2.3'],
      ['runtime', 'node v20.20.2'],
      ['runtime.name', 'node'],
      ['server_name', 'vm'],
      ['user', 'id:42'],
    ]);
    expect(userKey(event)).toBe('id:42');
  });

  it('python-django store event: transaction, url, runtime and the curl User-Agent', () => {
    const raw = JSON.parse(
      fs.readFileSync(
        path.join(FIXTURES, 'sdk-captures/python-django/001-POST-api_1_store.body.decoded'),
        'utf8',
      ),
    );
    const event = normalize(raw, '127.0.0.1');
    expect(extractTags(event)).toEqual([
      ['browser', 'curl 7.88.1'],
      ['browser.name', 'curl'],
      ['environment', 'development'],
      ['handled', 'no'],
      ['level', 'error'],
      ['mechanism', 'django'],
      ['runtime', 'CPython 3.11.2'],
      ['runtime.name', 'CPython'],
      ['server_name', 'vm'],
      ['transaction', '/glitchtip-debug/'],
      ['url', 'http://127.0.0.1:8001/glitchtip-debug/'],
    ]);
    // Python does not ask for IP inference, so the event stays anonymous.
    expect(userKey(event)).toBeNull();
  });

  it('matches the tags OSS Sentry showed for the php and .NET fixtures (by key)', () => {
    for (const name of ['php_message_event.json', 'dotnet_divide_zero.json', 'python_logging.json']) {
      const incoming = JSON.parse(
        fs.readFileSync(path.join(FIXTURES, 'glitchtip/incoming_events', name), 'utf8'),
      );
      const sentry = JSON.parse(
        fs.readFileSync(path.join(FIXTURES, 'glitchtip/oss_sentry_events', name), 'utf8'),
      );
      const tags = new Map(extractTags(normalize(incoming)));
      for (const { key, value } of sentry.tags as Array<{ key: string; value: string }>) {
        expect([name, key, tags.get(key)]).toEqual([name, key, value]);
      }
    }
  });
});

describe('extractTags rules', () => {
  it('lets event fields win over SDK tags with the same key and keeps the first duplicate', () => {
    const event = normalize({
      level: 'warning',
      tags: [
        ['level', 'debug'],
        ['a', '1'],
      ],
      environment: 'prod',
    });
    expect(extractTags(event)).toEqual([
      ['a', '1'],
      ['environment', 'prod'],
      ['level', 'warning'],
    ]);
  });

  it('uses the request URL without its query, and context aliases as tag names', () => {
    const event = normalize({
      request: { url: 'https://shop.example.com/cart?id=5' },
      contexts: {
        'server-runtime': { type: 'runtime', name: '.NET Core', version: '3.1.3' },
        device: { model: 'iPhone14,2', family: 'iOS' },
        gpu: { name: 'Apple M1', vendor_name: 'Apple' },
      },
    });
    expect(extractTags(event)).toEqual([
      ['device', 'iPhone14,2'],
      ['device.family', 'iOS'],
      ['gpu.name', 'Apple M1'],
      ['gpu.vendor', 'Apple'],
      ['level', 'error'],
      ['server-runtime', '.NET Core 3.1.3'],
      ['server-runtime.name', '.NET Core'],
      ['url', 'https://shop.example.com/cart'],
    ]);
  });

  it('derives browser and OS tags from the User-Agent once, putting a server OS and a browser OS apart', () => {
    const event = normalize({
      contexts: { os: { name: 'Linux', version: '6.1' } },
      request: {
        headers: {
          'User-Agent':
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
        },
      },
    });
    const tags = new Map(extractTags(event));
    expect(tags.get('browser')).toBe('Chrome 120.0.0');
    expect(tags.get('browser.name')).toBe('Chrome');
    expect(tags.get('os')).toBe('Linux 6.1');
    expect(tags.get('client_os')).toBe('Windows 10');
    expect(tags.get('client_os.name')).toBe('Windows');
  });

  it('cuts values to 200 chars', () => {
    const event = normalize({ transaction: 'x'.repeat(190), server_name: 's'.repeat(250) });
    const tags = new Map(extractTags(event));
    expect(tags.get('server_name')).toHaveLength(200);
  });
});

describe('userKey', () => {
  it('prefers id, then email, then username, then ip', () => {
    expect(userKey(normalize({ user: { id: 1, email: 'a@b.c' } }))).toBe('id:1');
    expect(userKey(normalize({ user: { email: 'a@b.c', username: 'ann' } }))).toBe('email:a@b.c');
    expect(userKey(normalize({ user: { username: 'ann', ip_address: '10.0.0.1' } }))).toBe('username:ann');
    expect(userKey(normalize({ user: { ip_address: '{{auto}}' } }, '198.51.100.7'))).toBe('ip:198.51.100.7');
    expect(userKey(normalize({ platform: 'javascript' }, '198.51.100.7'))).toBe('ip:198.51.100.7');
    expect(userKey(normalize({ user: { name: 'No Key' } }))).toBeNull();
  });
});

describe('parseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:105.0) Gecko/20100101 Firefox/105.0',
      { browser: { name: 'Firefox', version: '105.0' }, os: { name: 'Ubuntu' } },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      {
        browser: { name: 'Safari', version: '17.1' },
        os: { name: 'Mac OS X', version: '10.15.7' },
        device: { family: 'Mac', model: 'Mac', brand: 'Apple' },
      },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1',
      {
        browser: { name: 'Mobile Safari', version: '17.1.2' },
        os: { name: 'iOS', version: '17.1.2' },
        device: { family: 'iPhone', model: 'iPhone', brand: 'Apple' },
      },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      { browser: { name: 'Edge', version: '120.0.2210' }, os: { name: 'Windows', version: '10' } },
    ],
    [
      'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
      { browser: { name: 'IE', version: '11.0' }, os: { name: 'Windows', version: '7' } },
    ],
  ])('%s', (userAgent, expected) => {
    expect(parseUserAgent(userAgent)).toEqual(expected);
  });
});
