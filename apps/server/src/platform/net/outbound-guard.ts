import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

/**
 * Outbound HTTP to URLs that users influence, refused at connection time when the address is
 * not on the public internet (SSRF). The check runs after DNS resolution, on every address the
 * name resolves to, and the connection goes to the very address that was checked, so a name that
 * resolves differently the second time (DNS rebinding) cannot slip past it. ADR 0016.
 */

/** Why an address is refused: ipaddr.js's range name (`loopback`, `private`, `linkLocal`, …). */
export class OutboundAddressRefused extends Error {
  readonly code = 'E_OUTBOUND_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address} (${range}), which outbound requests may not reach`);
    this.name = 'OutboundAddressRefused';
  }
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The range an address belongs to, `unicast` meaning "public". IPv4-mapped (::ffff:a.b.c.d) and
 * IPv4-compatible (::a.b.c.d) IPv6 forms are judged as the IPv4 address they carry.
 */
export function addressRange(address: string): string {
  let parsed: Address = ipaddr.process(address);
  if (parsed.kind() === 'ipv6') {
    const parts = (parsed as ipaddr.IPv6).parts;
    const compatible = parts.slice(0, 6).every((part) => part === 0) && (parts[6]! !== 0 || parts[7]! > 1);
    if (compatible)
      parsed = ipaddr.IPv4.parse(`${parts[6]! >> 8}.${parts[6]! & 255}.${parts[7]! >> 8}.${parts[7]! & 255}`);
  }
  return parsed.range();
}

/** Only globally routable unicast addresses are public; every special range is refused. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

export interface OutboundAllowList {
  /** Lower-case host names (or IP literals) that may resolve anywhere, on any port. */
  hosts: Set<string>;
  /** Address ranges that may be reached. */
  ranges: Array<[Address, number]>;
  /** `host:port` pairs that may be reached (the operator's own configured endpoints). */
  origins: Set<string>;
}

/**
 * Parses a comma-separated list of host names, IP addresses and CIDR ranges
 * (`gitlab.internal, 10.20.0.0/16, fd00::/8`). Throws with the offending entry.
 */
export function parseAllowList(raw: string | undefined): Pick<OutboundAllowList, 'hosts' | 'ranges'> {
  const hosts = new Set<string>();
  const ranges: Array<[Address, number]> = [];
  for (const entry of (raw ?? '').split(',').map((part) => part.trim().toLowerCase())) {
    if (entry === '') continue;
    if (entry.includes('/')) {
      try {
        const [range, bits] = ipaddr.parseCIDR(entry);
        // ::ffff:10.0.0.0/104 means 10.0.0.0/8: addresses are judged in their IPv4 form.
        const mapped = range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress();
        ranges.push(
          mapped ? [(range as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] : [range, bits],
        );
      } catch {
        throw new Error(`"${entry}" is not a CIDR range`);
      }
      continue;
    }
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) {
      hosts.add(ipaddr.process(bare).toString());
      continue;
    }
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
    }
    hosts.add(entry.replace(/\.$/, ''));
  }
  return { hosts, ranges };
}

/** `host:port` of an http(s) URL, as the connector sees it (IPv6 without brackets). */
export function originKey(url: string | URL): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${normalizeHost(parsed.hostname)}:${port}`;
}

function normalizeHost(host: string): string {
  const bare = host
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');
  return isIP(bare) ? ipaddr.process(bare).toString() : bare;
}

export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const defaultLookup: LookupAll = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

export interface OutboundGuard {
  /**
   * The addresses to connect to for `host:port`, every one of them checked; throws
   * OutboundAddressRefused when any is not allowed.
   */
  resolve(host: string, port: number): Promise<Array<{ address: string; family: number }>>;
  /** `fetch` whose connections pass through `resolve` (redirects are the caller's choice). */
  fetch: typeof undiciFetch;
  close(): Promise<void>;
}

export function createOutboundGuard(
  options: { allow?: Partial<OutboundAllowList>; lookup?: LookupAll; connectTimeoutMs?: number } = {},
): OutboundGuard {
  const hosts = options.allow?.hosts ?? new Set<string>();
  const ranges = options.allow?.ranges ?? [];
  const origins = options.allow?.origins ?? new Set<string>();
  const lookup = options.lookup ?? defaultLookup;

  const inAllowedRange = (address: string) => {
    const parsed = ipaddr.process(address);
    return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  };

  async function resolve(host: string, port: number) {
    const name = normalizeHost(host);
    const addresses = isIP(name) ? [{ address: name, family: isIP(name) }] : await lookup(name);
    if (hosts.has(name) || origins.has(`${name}:${port}`)) return addresses;
    if (addresses.length === 0) throw new Error(`${name} did not resolve`);
    for (const { address } of addresses) {
      const range = addressRange(address);
      if (range !== 'unicast' && !inAllowedRange(address))
        throw new OutboundAddressRefused(name, address, range);
    }
    return addresses;
  }

  const connect = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000 });
  const agent = new Agent({
    connect(connectOptions, callback) {
      const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
      resolve(connectOptions.hostname, port).then(
        ([first]) => {
          // Connect to the address that was checked; TLS still verifies the certificate for the name.
          const servername =
            connectOptions.servername ??
            (isIP(connectOptions.hostname) ? undefined : connectOptions.hostname);
          connect(
            { ...connectOptions, hostname: first!.address, ...(servername ? { servername } : {}) },
            callback,
          );
        },
        (error: Error) => callback(error, null),
      );
    },
  });

  return {
    resolve,
    fetch: ((input, init) => undiciFetch(input, { ...init, dispatcher: agent })) as typeof undiciFetch,
    close: () => agent.close(),
  };
}
