import { ConfigError, loadConfig } from './app-config';
import { TrustedProxies } from './trusted-proxies';

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
});
