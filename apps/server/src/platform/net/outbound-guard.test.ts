import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressRange,
  createOutboundGuard,
  isPublicAddress,
  OutboundAddressRefused,
  originKey,
  parseAllowList,
} from './outbound-guard.ts';

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::127.0.0.1', 'loopback'],
    ['::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['1.1.1.1', '140.82.112.3', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('judges an IPv4 address and its IPv4-mapped IPv6 spelling alike', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(isPublicAddress(`::ffff:${v4}`)).toBe(isPublicAddress(v4));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('allow list', () => {
  it('reads host names, addresses and CIDR ranges, and refuses anything else', () => {
    const list = parseAllowList(' GitLab.Internal , 10.20.0.0/16, fd00::/8, [::1], 192.168.1.5 ');
    expect([...list.hosts].sort()).toEqual(['192.168.1.5', '::1', 'gitlab.internal']);
    expect(list.ranges).toHaveLength(2);
    expect(() => parseAllowList('10.0.0.0/40')).toThrow(/CIDR/);
    expect(() => parseAllowList('git lab.internal')).toThrow(/not a host name/);
    expect(() => parseAllowList('http://gitlab.internal')).toThrow(/not a CIDR/);
    expect(parseAllowList('::ffff:10.0.0.0/104').ranges[0]![1]).toBe(8);
    expect(parseAllowList('').hosts.size).toBe(0);
  });

  it('keys origins as the connector sees them', () => {
    expect(originKey('https://gitlab.com')).toBe('gitlab.com:443');
    expect(originKey('http://127.0.0.1:8080/api')).toBe('127.0.0.1:8080');
    expect(originKey('https://[::1]:9/')).toBe('::1:9');
  });
});

describe('resolving before connecting', () => {
  const lookupTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name when any address it resolves to is private (rebinding-proof: the checked address is used)', async () => {
    const guard = createOutboundGuard({ lookup: lookupTo('140.82.112.3', '127.0.0.1') });
    const error = await guard.resolve('evil.example', 443).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundAddressRefused);
    expect(error).toMatchObject({ address: '127.0.0.1', range: 'loopback' });
    await guard.close();
  });

  it('refuses IP literals without asking DNS', async () => {
    const guard = createOutboundGuard({
      lookup: async () => {
        throw new Error('no DNS for literals');
      },
    });
    for (const host of ['127.0.0.1', '[::1]', '::ffff:127.0.0.1', '0.0.0.0', '169.254.169.254']) {
      await expect(guard.resolve(host, 443)).rejects.toBeInstanceOf(OutboundAddressRefused);
    }
    await guard.close();
  });

  it('lets through allowed hosts, ranges and origins, and nothing else', async () => {
    const guard = createOutboundGuard({
      lookup: lookupTo('10.20.1.1'),
      allow: { ...parseAllowList('gitlab.internal, 10.30.0.0/16'), origins: new Set(['127.0.0.1:8080']) },
    });
    await expect(guard.resolve('gitlab.internal', 443)).resolves.toEqual([
      { address: '10.20.1.1', family: 4 },
    ]);
    await expect(guard.resolve('other.internal', 443)).rejects.toBeInstanceOf(OutboundAddressRefused);
    await expect(guard.resolve('10.30.4.5', 443)).resolves.toHaveLength(1);
    await expect(guard.resolve('127.0.0.1', 8080)).resolves.toHaveLength(1);
    await expect(guard.resolve('127.0.0.1', 8081)).rejects.toBeInstanceOf(OutboundAddressRefused);
    await guard.close();
  });
});

describe('the guarded fetch', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('never opens a connection to a refused address, however it is spelled', async () => {
    const guard = createOutboundGuard();
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.0.0.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      const error = await guard.fetch(url).catch((e: unknown) => e);
      expect((error as Error).cause, url).toBeInstanceOf(OutboundAddressRefused);
    }
    expect(connections).toBe(0);
    await guard.close();
  });

  it('connects to the address it checked when the origin is allowed', async () => {
    const guard = createOutboundGuard({ allow: { origins: new Set([`127.0.0.1:${port}`]) } });
    const response = await guard.fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
    expect(connections).toBe(1);
    await guard.close();
  });

  it('connects through a name to the checked address (a custom lookup standing in for DNS)', async () => {
    const guard = createOutboundGuard({
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
      allow: parseAllowList('gitlab.test'),
    });
    const response = await guard.fetch(`http://gitlab.test:${port}/`);
    expect(await response.text()).toBe('ok');
    const refused = createOutboundGuard({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    const error = await refused.fetch(`http://rebound.test:${port}/`).catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(OutboundAddressRefused);
    await Promise.all([guard.close(), refused.close()]);
  });
});
