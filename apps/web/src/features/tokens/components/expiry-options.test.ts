import { describe, expect, it } from 'vitest';
import { defaultExpiryChoice, expiryChoices } from './expiry-options.ts';

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
