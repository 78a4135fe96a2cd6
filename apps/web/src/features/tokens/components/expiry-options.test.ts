import { describe, expect, it } from 'vitest';
import {
  defaultExpiryChoice,
  expiresInDaysOf,
  expiryChoices,
  lifetimeDays,
  regenerateDefaultChoice,
} from './expiry-options.ts';

describe('expiry choices', () => {
  it('offers every preset, a custom date and no expiry under a lenient policy', () => {
    const policy = { max_lifetime_days: 366, require_expiry: false, default_lifetime_days: 30 };
    expect(expiryChoices(policy)).toEqual(['7', '30', '60', '90', 'custom', 'none']);
    expect(defaultExpiryChoice(policy)).toBe('30');
  });

  it('hides "no expiry" when the policy requires expiry, and presets over the maximum', () => {
    const policy = { max_lifetime_days: 45, require_expiry: true, default_lifetime_days: 30 };
    expect(expiryChoices(policy)).toEqual(['7', '30', 'custom']);
  });

  it('falls back to the nearest shorter preset when the default is not a preset', () => {
    expect(
      defaultExpiryChoice({ max_lifetime_days: 366, require_expiry: true, default_lifetime_days: 45 }),
    ).toBe('30');
    expect(
      defaultExpiryChoice({ max_lifetime_days: 5, require_expiry: true, default_lifetime_days: 5 }),
    ).toBe('custom');
  });
});

describe('regenerating with the original lifetime', () => {
  const policy = { max_lifetime_days: 366, require_expiry: false, default_lifetime_days: 30 };
  const created_at = '2026-01-01T10:00:00.000Z';

  it('counts the lifetime from creation when the token was never regenerated', () => {
    expect(lifetimeDays({ created_at, expires_at: '2026-03-02T10:00:00.000Z' })).toBe(60);
    expect(lifetimeDays({ created_at, expires_at: null })).toBeNull();
  });

  it('counts it from the last regeneration when that set the current expiry', () => {
    const token = { created_at, expires_at: '2026-05-11T12:00:00.000Z' };
    expect(lifetimeDays(token, { at: '2026-04-11T12:00:00.000Z', expires_at: token.expires_at })).toBe(30);
    // A regeneration that is not the one behind the current expiry is ignored.
    expect(
      lifetimeDays(token, { at: '2026-04-11T12:00:00.000Z', expires_at: '2026-04-20T00:00:00.000Z' }),
    ).toBe(130);
  });

  it('offers that lifetime among the presets and chooses it by default, within the policy', () => {
    expect(expiryChoices(policy, 45)).toEqual(['7', '30', '45', '60', '90', 'custom', 'none']);
    expect(expiryChoices(policy, 30)).toEqual(['7', '30', '60', '90', 'custom', 'none']);
    expect(regenerateDefaultChoice(policy, 45)).toBe('45');
    expect(regenerateDefaultChoice({ ...policy, max_lifetime_days: 40 }, 45)).toBe('40');
    expect(regenerateDefaultChoice(policy, null)).toBe('none');
    expect(regenerateDefaultChoice({ ...policy, require_expiry: true }, null)).toBe('30');
  });

  it('turns a choice into expires_in_days', () => {
    const now = new Date('2026-06-01T09:00:00');
    expect(expiresInDaysOf('45', '', now, 366)).toBe(45);
    expect(expiresInDaysOf('none', '', now, 366)).toBeNull();
    expect(expiresInDaysOf('custom', '2026-06-11', now, 366)).toBe(10);
    expect(expiresInDaysOf('custom', '2026-06-01', now, 366)).toBe('invalid');
    expect(expiresInDaysOf('custom', '2026-06-11', now, 5)).toBe('invalid');
    expect(expiresInDaysOf('custom', 'not a date', now, 366)).toBe('invalid');
  });
});
