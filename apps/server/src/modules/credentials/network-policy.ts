import ipaddr from 'ipaddr.js';

/** At most this many CIDRs on one token's allow-list. */
export const MAX_ALLOWED_CIDRS = 50;
/** The distinct source networks kept per token (ADR 0031). */
export const NETWORKS_KEPT = 10;
/** Prefix lengths that make one "source network" (ADR 0031). */
const IPV4_NETWORK_BITS = 24;
const IPV6_NETWORK_BITS = 64;

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * One CIDR in canonical form (network address, RFC 5952 for IPv6), or null when it is not a
 * plain IPv4 (dotted four-part decimal) or IPv6 CIDR. IPv4-mapped IPv6 ranges are written as IPv4.
 */
export function canonicalCidr(input: string): string | null {
  const text = input.trim();
  if (text.includes('%') || !text.includes('/')) return null;
  try {
    if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) {
      const [, bits] = ipaddr.IPv4.parseCIDR(text);
      return `${ipaddr.IPv4.networkAddressFromCIDR(text).toString()}/${bits}`;
    }
    if (ipaddr.IPv6.isValidCIDR(text)) {
      const [address, bits] = ipaddr.IPv6.parseCIDR(text);
      if (address.isIPv4MappedAddress()) {
        if (bits < 96) return null;
        const v4 = `${address.toIPv4Address().toString()}/${bits - 96}`;
        return `${ipaddr.IPv4.networkAddressFromCIDR(v4).toString()}/${bits - 96}`;
      }
      return `${ipaddr.IPv6.networkAddressFromCIDR(text).toRFC5952String()}/${bits}`;
    }
  } catch {
    return null;
  }
  return null;
}

/** Canonical, de-duplicated CIDRs, or the entries that are not CIDRs. */
export function parseCidrList(inputs: readonly string[]): { cidrs: string[] } | { invalid: string[] } {
  const cidrs: string[] = [];
  const invalid: string[] = [];
  for (const input of inputs) {
    const cidr = canonicalCidr(input);
    if (cidr === null) invalid.push(input);
    else if (!cidrs.includes(cidr)) cidrs.push(cidr);
  }
  return invalid.length > 0 ? { invalid } : { cidrs };
}

/** A client address as ipaddr.js sees it, IPv4-mapped IPv6 unwrapped; null when unparsable. */
function parseAddress(ip: string): Address | null {
  try {
    return ipaddr.process(ip);
  } catch {
    return null;
  }
}

/**
 * The source network an address belongs to: its /24 (IPv4) or /64 (IPv6), e.g. `203.0.113.0/24`.
 * Null for an unparsable address.
 */
export function sourceNetworkOf(ip: string): string | null {
  const address = parseAddress(ip);
  if (!address) return null;
  if (address.kind() === 'ipv4') {
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${IPV4_NETWORK_BITS}`).toString()}/${IPV4_NETWORK_BITS}`;
  }
  const v6 = address as ipaddr.IPv6;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${v6.toNormalizedString()}/${IPV6_NETWORK_BITS}`).toRFC5952String()}/${IPV6_NETWORK_BITS}`;
}

const VERDICTS_KEPT = 64;

/**
 * A token's allow-list, parsed once when the credential is cached. `allows(ip)` remembers its
 * last answers per address, so a client that keeps one address costs one Map lookup.
 */
export class NetworkPolicy {
  private readonly ranges: Range[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly cidrs: readonly string[]) {
    this.ranges = cidrs.map((cidr) => ipaddr.parseCIDR(cidr) as Range);
  }

  allows(ip: string | null): boolean {
    if (ip === null) return false;
    const known = this.verdicts.get(ip);
    if (known !== undefined) return known;
    const address = parseAddress(ip);
    const verdict =
      address !== null &&
      this.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
    if (this.verdicts.size >= VERDICTS_KEPT) this.verdicts.clear();
    this.verdicts.set(ip, verdict);
    return verdict;
  }
}
