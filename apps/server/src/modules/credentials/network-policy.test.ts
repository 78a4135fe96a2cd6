import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalCidr, NetworkPolicy, parseCidrList, sourceNetworkOf } from './network-policy.ts';

describe('canonicalCidr', () => {
  it('writes the network address and RFC 5952 IPv6', () => {
    expect(canonicalCidr('10.1.2.3/8')).toBe('10.0.0.0/8');
    expect(canonicalCidr(' 192.0.2.7/32 ')).toBe('192.0.2.7/32');
    expect(canonicalCidr('2001:0db8:0000:0000:0000:0000:0000:0001/48')).toBe('2001:db8::/48');
    expect(canonicalCidr('::ffff:192.0.2.0/120')).toBe('192.0.2.0/24');
  });

  it('refuses what is not a plain CIDR', () => {
    for (const bad of [
      '10.0.0.1',
      '10/8',
      '0x0a.0.0.0/8',
      '10.0.0.0/33',
      '::/129',
      'fe80::1%eth0/64',
      '',
      'x/1',
    ])
      expect(canonicalCidr(bad), bad).toBeNull();
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = canonicalCidr(s);
        return out === null || canonicalCidr(out) === out;
      }),
    );
  });
});

describe('parseCidrList', () => {
  it('de-duplicates and reports every invalid entry', () => {
    expect(parseCidrList(['10.0.0.0/8', '10.9.9.9/8'])).toEqual({ cidrs: ['10.0.0.0/8'] });
    expect(parseCidrList(['10.0.0.0/8', 'nope', '1.2.3.4'])).toEqual({ invalid: ['nope', '1.2.3.4'] });
  });
});

describe('sourceNetworkOf', () => {
  it('is the /24 of IPv4 (also when IPv4-mapped) and the /64 of IPv6', () => {
    expect(sourceNetworkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(sourceNetworkOf('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(sourceNetworkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(sourceNetworkOf('not an ip')).toBeNull();
  });
});

describe('NetworkPolicy', () => {
  it('allows addresses inside a range of the same family only', () => {
    const policy = new NetworkPolicy(['192.0.2.0/24', '2001:db8::/32']);
    expect(policy.allows('192.0.2.200')).toBe(true);
    expect(policy.allows('::ffff:192.0.2.1')).toBe(true);
    expect(policy.allows('192.0.3.1')).toBe(false);
    expect(policy.allows('2001:db8:ffff::1')).toBe(true);
    expect(policy.allows('2001:db9::1')).toBe(false);
    expect(policy.allows('garbage')).toBe(false);
    expect(policy.allows(null)).toBe(false);
    // Remembered answers are the same answers.
    expect(policy.allows('192.0.3.1')).toBe(false);
    expect(policy.allows('192.0.2.200')).toBe(true);
  });

  it('agrees with a plain prefix comparison for random IPv4 addresses', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4(), (base, bits, probe) => {
        const cidr = canonicalCidr(`${base}/${bits}`)!;
        const toInt = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
        const inside =
          Math.floor(toInt(probe) / 2 ** (32 - bits)) === Math.floor(toInt(base) / 2 ** (32 - bits));
        return new NetworkPolicy([cidr]).allows(probe) === inside;
      }),
    );
  });
});
