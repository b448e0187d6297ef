/**
 * The reverse proxies whose X-Forwarded-* headers are believed (GlitchTip 6's TRUSTED_PROXIES): a set of
 * addresses and CIDR ranges. Empty by default, so a client talking to us directly cannot pick its own address,
 * scheme or host with a made-up header.
 *
 * Matching is done here rather than with node:net's BlockList, which costs microseconds per check; this runs on
 * every ingest request behind a proxy.
 */
export class TrustedProxies {
  /** Recent answers: the peers of a deployment are a few proxies, asked about on every request. */
  private readonly recent = new Map<string, boolean>();

  private constructor(
    /** The entries as configured, for logs and documentation. */
    readonly entries: readonly string[],
    private readonly ipv4: readonly Ipv4Range[],
    private readonly ipv6: readonly Ipv6Range[],
  ) {}

  static none(): TrustedProxies {
    return new TrustedProxies([], [], []);
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
    const ipv4: Ipv4Range[] = [];
    const ipv6: Ipv6Range[] = [];
    const invalid: string[] = [];
    for (const entry of entries) {
      const range = parseRange(entry);
      if (!range) invalid.push(JSON.stringify(entry));
      else if ('groups' in range) ipv6.push(range);
      else ipv4.push(range);
    }
    if (invalid.length)
      throw new Error(
        `not an IP address or CIDR range: ${invalid.join(', ')} (expected e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8)`,
      );
    return new TrustedProxies(entries, ipv4, ipv6);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Whether `address` (as a socket reports it, or an X-Forwarded-For entry) is one of the trusted proxies. IPv4
   * rules match IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports) and vice versa.
   */
  contains(address: string | undefined): boolean {
    if (!address || this.isEmpty) return false;
    let answer = this.recent.get(address);
    if (answer === undefined) {
      answer = this.match(address);
      if (this.recent.size >= 1024) this.recent.clear();
      this.recent.set(address, answer);
    }
    return answer;
  }

  private match(address: string): boolean {
    const v4 = parseIpv4(address);
    if (v4 !== null) return this.matchesIpv4(v4) || this.matchesIpv6(mappedIpv6(v4));
    const v6 = parseIpv6(address);
    if (!v6) return false;
    const unmapped = mappedIpv4(v6);
    return (unmapped !== null && this.matchesIpv4(unmapped)) || this.matchesIpv6(v6);
  }

  private matchesIpv4(address: number): boolean {
    return this.ipv4.some((range) => (address & range.mask) >>> 0 === range.network);
  }

  private matchesIpv6(address: Uint16Array): boolean {
    return this.ipv6.some((range) => {
      let bits = range.prefix;
      for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
        const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
        if ((address[i]! & mask) !== (range.groups[i]! & mask)) return false;
      }
      return true;
    });
  }
}

interface Ipv4Range {
  network: number;
  mask: number;
}

interface Ipv6Range {
  groups: Uint16Array;
  prefix: number;
}

function parseRange(entry: string): Ipv4Range | Ipv6Range | null {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? null : entry.slice(slash + 1);
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return null;
  const v4 = parseIpv4(address);
  if (v4 !== null) {
    const prefix = prefixText === null ? 32 : Number(prefixText);
    if (prefix > 32) return null;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { network: (v4 & mask) >>> 0, mask };
  }
  const groups = parseIpv6(address);
  if (!groups) return null;
  const prefix = prefixText === null ? 128 : Number(prefixText);
  if (prefix > 128) return null;
  return { groups, prefix };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or null. */
export function parseIpv4(text: string): number | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i]!;
    // No leading zeros: 010 is octal to some parsers and decimal to others.
    if (part.length > 1 && part[0] === '0') return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** An IPv6 address (`::` compression, an IPv4 tail, a `%zone` ignored) as eight 16-bit groups, or null. */
export function parseIpv6(text: string): Uint16Array | null {
  const zone = text.indexOf('%');
  let rest = zone === -1 ? text : text.slice(0, zone);
  if (!rest.includes(':') || rest.length > 45) return null;
  const lastColon = rest.lastIndexOf(':');
  if (rest.includes('.', lastColon)) {
    // `::ffff:1.2.3.4`: the IPv4 tail is the last two groups.
    const v4 = parseIpv4(rest.slice(lastColon + 1));
    if (v4 === null) return null;
    rest = `${rest.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const head = hexGroups(halves[0]!);
  const back = halves.length === 2 ? hexGroups(halves[1]!) : [];
  if (!head || !back) return null;
  const missing = 8 - head.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return Uint16Array.from([...head, ...new Array<number>(missing).fill(0), ...back]);
}

function hexGroups(part: string): number[] | null {
  if (part === '') return [];
  const groups: number[] = [];
  for (const group of part.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function mappedIpv6(v4: number): Uint16Array {
  return Uint16Array.from([0, 0, 0, 0, 0, 0xffff, v4 >>> 16, v4 & 0xffff]);
}

/** The IPv4 address inside `::ffff:a.b.c.d`, or null. */
function mappedIpv4(groups: Uint16Array): number | null {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return null;
  if (groups[5] !== 0xffff) return null;
  return groups[6]! * 65536 + groups[7]!;
}
