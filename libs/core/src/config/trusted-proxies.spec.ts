import { BlockList, isIP } from 'node:net';
import { ConfigError, loadConfig } from './app-config';
import { parseIpv4, parseIpv6, TrustedProxies } from './trusted-proxies';

describe('TrustedProxies', () => {
  it('trusts nobody by default', () => {
    const none = loadConfig({}).trustedProxies;
    expect(none.isEmpty).toBe(true);
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '::ffff:127.0.0.1'])
      expect(none.contains(address)).toBe(false);
  });

  it('matches single addresses and IPv4 CIDR ranges', () => {
    const proxies = TrustedProxies.parse(' 10.0.0.0/8 , 192.168.1.7,');
    expect(proxies.entries).toEqual(['10.0.0.0/8', '192.168.1.7']);
    expect(proxies.contains('10.255.0.1')).toBe(true);
    expect(proxies.contains('192.168.1.7')).toBe(true);
    expect(proxies.contains('192.168.1.8')).toBe(false);
    expect(proxies.contains('11.0.0.1')).toBe(false);
  });

  it('matches IPv6 ranges, and IPv4 rules against IPv4-mapped IPv6 addresses', () => {
    const proxies = TrustedProxies.parse('fd00::/8,127.0.0.1');
    expect(proxies.contains('fd12:3456::1')).toBe(true);
    expect(proxies.contains('fe80::1')).toBe(false);
    // What a dual-stack socket reports for an IPv4 peer.
    expect(proxies.contains('::ffff:127.0.0.1')).toBe(true);
    expect(proxies.contains('::ffff:127.0.0.2')).toBe(false);
    expect(TrustedProxies.parse('::ffff:10.0.0.0/104').contains('10.1.2.3')).toBe(true);
  });

  it('does not match what is not an address', () => {
    const proxies = TrustedProxies.parse('0.0.0.0/0');
    expect(proxies.contains('1.2.3.4')).toBe(true);
    for (const junk of ['', 'unknown', 'localhost', '1.2.3.4:80', undefined])
      expect(proxies.contains(junk)).toBe(false);
  });

  it('refuses invalid entries at config loading, naming them', () => {
    let error: unknown;
    try {
      loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.local, 10.0.0.0/33, fd00::/129, 1.2.3.4/x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('TRUSTED_PROXIES=');
    for (const bad of ['"proxy.local"', '"10.0.0.0/33"', '"fd00::/129"', '"1.2.3.4/x"'])
      expect(message).toContain(bad);
    expect(message).not.toContain('"10.0.0.0/8"');
  });

  it('parses addresses the way node:net does', () => {
    const samples = [
      '0.0.0.0',
      '255.255.255.255',
      '256.0.0.1',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4.5',
      '::',
      '::1',
      '1::',
      'fe80::1%eth0',
      '2001:db8::8a2e:370:7334',
      '2001:0db8:0000:0000:0000:ff00:0042:8329',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::',
      '::1:2:3:4:5:6:7',
      '1::2::3',
      ':1',
      '1:',
      '::ffff:1.2.3.4',
      '::ffff:1.2.3',
      '1:2:3:4:5:6:1.2.3.4',
      '::1.2.3.4',
      '12345::',
      'g::1',
      '::ffff:01.2.3.4',
      '',
    ];
    for (const text of samples) {
      const parsed = parseIpv4(text) !== null ? 4 : parseIpv6(text) ? 6 : 0;
      expect([text, parsed]).toEqual([text, isIP(text)]);
    }
    expect([...parseIpv6('::ffff:1.2.3.4')!]).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect([...parseIpv6('2001:db8::1')!]).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  });

  it('matches what node:net BlockList matches, on random ranges and addresses', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const v4 = () =>
      [random(4) ? 10 : random(256), random(3) ? 0 : random(256), random(256), random(256)].join('.');
    const v6 = () =>
      random(4) === 0
        ? `::ffff:${v4()}`
        : [
            random(2) ? 'fd00' : random(65536).toString(16),
            ...Array.from({ length: 7 }, () => (random(3) ? '0' : random(65536).toString(16))),
          ].join(':');
    for (let round = 0; round < 200; round++) {
      const ranges = Array.from({ length: 1 + random(3) }, () =>
        random(2) ? `${v4()}/${random(33)}` : `${v6()}/${random(129)}`,
      );
      const ours = TrustedProxies.parse(ranges.join(','));
      const reference = new BlockList();
      for (const range of ranges) {
        const [address, prefix] = range.split('/');
        reference.addSubnet(address!, Number(prefix), isIP(address!) === 4 ? 'ipv4' : 'ipv6');
      }
      for (let i = 0; i < 20; i++) {
        const address = random(2) ? v4() : v6();
        const expected = reference.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
        expect([ranges, address, ours.contains(address)]).toEqual([ranges, address, expected]);
      }
    }
  });
});
