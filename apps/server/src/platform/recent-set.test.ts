import { describe, expect, it } from 'vitest';
import { RecentSet } from './recent-set.ts';

describe('RecentSet', () => {
  it('answers true for a key once, then false while it is remembered', () => {
    const set = new RecentSet<string>(3);
    expect(set.add('a')).toBe(true);
    expect(set.add('a')).toBe(false);
  });

  it('keeps taking new keys when full, forgetting the least recently seen (never goes quiet)', () => {
    const set = new RecentSet<string>(3);
    for (const key of ['a', 'b', 'c']) expect(set.add(key)).toBe(true);
    expect(set.add('a')).toBe(false); // seen again: now the most recent
    expect(set.add('d')).toBe(true); // full: 'b' goes
    expect(set.size).toBe(3);
    expect(set.add('b')).toBe(true);
    expect(set.add('a')).toBe(false);
    for (let i = 0; i < 10_000; i++) expect(set.add(`k${i}`)).toBe(true);
    expect(set.size).toBe(3);
  });
});
