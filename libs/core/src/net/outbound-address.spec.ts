import { isNonPublicAddress, nonPublicLiteral, publicOnlyLookup } from './outbound-address';

describe('outbound address guard', () => {
  it('tells non-public addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '[::1]',
    ])
      expect([address, isNonPublicAddress(address)]).toEqual([address, true]);
    for (const address of [
      '8.8.8.8',
      '172.32.0.1',
      '93.184.215.14',
      '2606:4700:4700::1111',
      '::ffff:1.1.1.1',
    ])
      expect([address, isNonPublicAddress(address)]).toEqual([address, false]);
  });

  it('refuses IP-literal URLs of private hosts, naming the setting that allows them', () => {
    expect(
      nonPublicLiteral(new URL('http://127.0.0.1:8080/hook'), 'GLITCHTIP_ALLOW_PRIVATE_IPS')?.message,
    ).toBe(
      'refused: 127.0.0.1 is the non-public address 127.0.0.1; set GLITCHTIP_ALLOW_PRIVATE_IPS=true to allow private addresses',
    );
    expect(nonPublicLiteral(new URL('http://[::1]/'), 'X')).not.toBeNull();
    expect(nonPublicLiteral(new URL('https://8.8.8.8/'), 'X')).toBeNull();
    expect(nonPublicLiteral(new URL('https://example.com/'), 'X')).toBeNull();
  });

  it('refuses a name that resolves to loopback, in both lookup forms', async () => {
    const lookup = publicOnlyLookup('GLITCHTIP_ALLOW_PRIVATE_IPS');
    for (const all of [false, true]) {
      const error = await new Promise<Error | null>((resolve) =>
        lookup('localhost', { all }, (e) => resolve(e)),
      );
      expect(error?.message).toMatch(
        /^refused: localhost is the non-public address .* \(resolved\); set GLITCHTIP_ALLOW_PRIVATE_IPS=true/,
      );
    }
  });
});
