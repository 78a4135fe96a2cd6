import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MembershipFilter } from './membership-filter.ts';

const randomKey = () => randomBytes(8).toString('hex');

describe('MembershipFilter', () => {
  it('never forgets a key it was given', () => {
    const filter = new MembershipFilter(10_000);
    const keys = Array.from({ length: 10_000 }, randomKey);
    for (const key of keys) filter.add(key);
    expect(keys.every((key) => filter.mightContain(key))).toBe(true);
    expect(filter.count).toBe(10_000);
  });

  it('answers "maybe" for at most 1% of never-added keys at 10^6 keys, in under 1.5 MB', () => {
    const filter = new MembershipFilter(1_000_000);
    for (let i = 0; i < 1_000_000; i++) filter.add(randomKey());
    let falsePositives = 0;
    const probes = 200_000;
    for (let i = 0; i < probes; i++) if (filter.mightContain(randomKey())) falsePositives += 1;
    expect(falsePositives / probes).toBeLessThanOrEqual(0.01);
    expect(filter.byteLength).toBeLessThan(1.5 * 1024 * 1024);
    // 1.2 million SHA-256 keys: a few seconds alone, far more on a machine shared with other suites.
  }, 120_000);

  it('answers "no" for every key when empty', () => {
    const filter = new MembershipFilter(100);
    expect(Array.from({ length: 1000 }, randomKey).some((key) => filter.mightContain(key))).toBe(false);
  });
});
