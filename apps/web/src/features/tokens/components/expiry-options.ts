import { daysUntilDate } from '../../../lib/relative-time.ts';

/** The expiry choices offered when generating a token, within the server's policy. */
export const PRESET_DAYS = [7, 30, 60, 90] as const;

/** A number of days (a preset, or a regenerated token's own lifetime), a custom date, or none. */
export type ExpiryChoice = `${number}` | 'custom' | 'none';

export interface ExpiryPolicy {
  max_lifetime_days: number;
  require_expiry: boolean;
  default_lifetime_days: number;
}

const DAY = 24 * 3600 * 1000;

/**
 * The presets the policy allows, then "custom", then "none" unless expiry is required. `extraDays`
 * (a regenerated token's own lifetime) joins the presets in order when the policy allows it.
 */
export function expiryChoices(policy: ExpiryPolicy, extraDays?: number | null): ExpiryChoice[] {
  const days = new Set<number>(PRESET_DAYS.filter((value) => value <= policy.max_lifetime_days));
  if (extraDays && extraDays >= 1 && extraDays <= policy.max_lifetime_days) days.add(extraDays);
  const presets = [...days].sort((a, b) => a - b).map((value) => `${value}` as ExpiryChoice);
  return [...presets, 'custom', ...(policy.require_expiry ? [] : (['none'] as const))];
}

/** The server's default when it is one of the presets on offer, else the nearest shorter preset. */
export function defaultExpiryChoice(policy: ExpiryPolicy): ExpiryChoice {
  const choices = expiryChoices(policy);
  const wanted = `${policy.default_lifetime_days}` as ExpiryChoice;
  if (choices.includes(wanted)) return wanted;
  const presets = PRESET_DAYS.filter(
    (days) => days <= Math.min(policy.default_lifetime_days, policy.max_lifetime_days),
  );
  const last = presets.at(-1);
  return last ? (`${last}` as ExpiryChoice) : 'custom';
}

/**
 * What a choice means as the API's `expires_in_days`: a whole number of days, `null` for no
 * expiry, or 'invalid' for a custom date outside tomorrow … the policy's maximum.
 */
export function expiresInDaysOf(
  choice: ExpiryChoice,
  customDate: string,
  now: Date,
  maxLifetimeDays: number,
): number | null | 'invalid' {
  if (choice === 'none') return null;
  if (choice === 'custom') {
    const days = daysUntilDate(customDate, now);
    return days === null || days < 1 || days > maxLifetimeDays ? 'invalid' : days;
  }
  return Number(choice);
}

/** The last regeneration of a token as the security log records it (`token.rotated`). */
export interface LastRotation {
  at: string;
  expires_at: string | null;
}

/**
 * The lifetime a token was given, in whole days: from its last regeneration when that set the
 * expiry it has now, else from its creation. Null for a token without expiry. Regenerating keeps
 * this lifetime by default, counted from the moment of regenerating (as the server does).
 */
export function lifetimeDays(
  token: { created_at: string; expires_at: string | null },
  lastRotation?: LastRotation | null,
): number | null {
  if (!token.expires_at) return null;
  const expires = new Date(token.expires_at).getTime();
  const issuedAt =
    lastRotation && lastRotation.expires_at === token.expires_at ? lastRotation.at : token.created_at;
  return Math.max(1, Math.round((expires - new Date(issuedAt).getTime()) / DAY));
}

/** The choice that regenerates a token with the lifetime it has, within the policy. */
export function regenerateDefaultChoice(policy: ExpiryPolicy, lifetime: number | null): ExpiryChoice {
  if (lifetime === null) return policy.require_expiry ? defaultExpiryChoice(policy) : 'none';
  return `${Math.min(lifetime, policy.max_lifetime_days)}` as ExpiryChoice;
}
