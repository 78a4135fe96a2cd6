import { describe, expect, it } from 'vitest';
import { daysUntilDate, formatBytes, formatRelativeTime, pickUnit } from './relative-time.ts';

const now = new Date('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('relative time', () => {
  it('says "in 12 days" and "3 hours ago"', () => {
    expect(formatRelativeTime(at(12 * DAY), now, 'en-US')).toBe('in 12 days');
    expect(formatRelativeTime(at(-3 * HOUR), now, 'en-US')).toBe('3 hours ago');
    expect(formatRelativeTime(at(-5 * MINUTE), now, 'en-US')).toBe('5 minutes ago');
    expect(formatRelativeTime(at(10_000), now, 'en-US')).toBe('now');
  });

  it('speaks Chinese too', () => {
    expect(formatRelativeTime(at(12 * DAY), now, 'zh-CN')).toBe('12天后');
    expect(formatRelativeTime(at(-3 * HOUR), now, 'zh-CN')).toBe('3小时前');
  });

  it('keeps token lifetimes in days up to 90 and moves to months and years after', () => {
    expect(pickUnit(90 * DAY)).toEqual({ value: 90, unit: 'day' });
    expect(pickUnit(-200 * DAY)).toEqual({ value: -7, unit: 'month' });
    expect(pickUnit(366 * DAY)).toEqual({ value: 1, unit: 'year' });
  });

  it('rounds at unit edges without ever saying "0 minutes"', () => {
    expect(pickUnit(50_000)).toEqual({ value: 1, unit: 'minute' });
    expect(pickUnit(44 * MINUTE)).toEqual({ value: 44, unit: 'minute' });
    expect(pickUnit(46 * MINUTE)).toEqual({ value: 1, unit: 'hour' });
  });
});

describe('custom expiry date', () => {
  const local = new Date(2026, 0, 1, 15, 30);

  it('counts calendar days from today', () => {
    expect(daysUntilDate('2026-01-13', local)).toBe(12);
    expect(daysUntilDate('2026-01-02', local)).toBe(1);
    expect(daysUntilDate('2026-01-01', local)).toBe(0);
    expect(daysUntilDate('2025-12-31', local)).toBe(-1);
    expect(daysUntilDate('2027-01-01', local)).toBe(365);
  });

  it('refuses text that is not a real date', () => {
    expect(daysUntilDate('2026-02-30', local)).toBeNull();
    expect(daysUntilDate('13/01/2026', local)).toBeNull();
    expect(daysUntilDate('', local)).toBeNull();
  });
});

describe('file sizes', () => {
  it('uses binary steps and the reader’s language', () => {
    expect(formatBytes(512, 'en-US')).toBe('512 byte');
    expect(formatBytes(1536, 'en-US')).toBe('1.5 kB');
    expect(formatBytes(10 * 1024 * 1024, 'en-US')).toBe('10 MB');
  });
});
