import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, LookupFunction } from 'node:net';

/**
 * Addresses an outbound request made on a user's behalf (a webhook, an uptime check) must not reach unless the
 * operator allows it: loopback, private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade
 * NAT, multicast and the unspecified address. Otherwise anyone who may configure a webhook could probe the
 * server's own network.
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** True for an IP address that is not on the public internet (IPv4-mapped IPv6 judged as its IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 4) return NON_PUBLIC.check(bare, 'ipv4');
  if (family === 6) return NON_PUBLIC.check(bare, 'ipv6');
  return false;
}

export class NonPublicAddressError extends Error {
  readonly code = 'ENONPUBLIC';
  constructor(host: string, address: string, setting: string) {
    super(
      `refused: ${host} is the non-public address ${address}` +
        (host === address ? '' : ` (resolved)`) +
        `; set ${setting}=true to allow private addresses`,
    );
  }
}

/**
 * A `lookup` for http(s).request that refuses names resolving to a non-public address. The check happens on the
 * addresses the connection then uses, so a name cannot pass the check and connect elsewhere (DNS rebinding).
 * IP literals skip lookup: check them with `nonPublicLiteral` before sending.
 */
export function publicOnlyLookup(setting: string): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    dnsLookup(hostname, { family, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = addresses.find((a) => isNonPublicAddress(a.address));
      if (blocked) return callback(new NonPublicAddressError(hostname, blocked.address, setting), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** The refusal for a URL whose host is a non-public IP literal, or null. */
export function nonPublicLiteral(url: URL, setting: string): NonPublicAddressError | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) && isNonPublicAddress(host) ? new NonPublicAddressError(host, host, setting) : null;
}
