import { BlockList, isIP } from 'node:net';

/**
 * The reverse proxies whose X-Forwarded-* headers are believed (GlitchTip 6's TRUSTED_PROXIES): a set of
 * addresses and CIDR ranges. Empty by default, so a client talking to us directly cannot pick its own address,
 * scheme or host with a made-up header.
 */
export class TrustedProxies {
  private readonly ranges = new BlockList();

  private constructor(
    /** The entries as configured, for logs and documentation. */
    readonly entries: readonly string[],
    ranges: Array<{ address: string; prefix: number; family: 'ipv4' | 'ipv6' }>,
  ) {
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) and vice versa.
    for (const range of ranges) this.ranges.addSubnet(range.address, range.prefix, range.family);
  }

  static none(): TrustedProxies {
    return new TrustedProxies([], []);
  }

  /**
   * Parses a comma-separated list of IPv4/IPv6 addresses and CIDRs (`10.0.0.0/8, 192.168.1.7, fd00::/8`).
   * Throws with every invalid entry named.
   */
  static parse(text: string | undefined): TrustedProxies {
    const entries = (text ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const ranges: Array<{ address: string; prefix: number; family: 'ipv4' | 'ipv6' }> = [];
    const invalid: string[] = [];
    for (const entry of entries) {
      const range = parseRange(entry);
      if (range) ranges.push(range);
      else invalid.push(JSON.stringify(entry));
    }
    if (invalid.length)
      throw new Error(
        `not an IP address or CIDR range: ${invalid.join(', ')} (expected e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8)`,
      );
    return new TrustedProxies(entries, ranges);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Whether `address` (as a socket reports it, or an X-Forwarded-For entry) is one of the trusted proxies. */
  contains(address: string | undefined): boolean {
    if (!address || this.isEmpty) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function parseRange(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text)) return null;
    prefix = Number(text);
    if (prefix > max) return null;
  }
  return { address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}
