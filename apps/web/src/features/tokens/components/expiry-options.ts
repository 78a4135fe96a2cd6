/** The expiry choices offered when generating a token, within the server's policy. */
export const PRESET_DAYS = [7, 30, 60, 90] as const;

export type ExpiryChoice = `${(typeof PRESET_DAYS)[number]}` | 'custom' | 'none';

export interface ExpiryPolicy {
  max_lifetime_days: number;
  require_expiry: boolean;
  default_lifetime_days: number;
}

/** The presets the policy allows, then "custom", then "none" unless expiry is required. */
export function expiryChoices(policy: ExpiryPolicy): ExpiryChoice[] {
  const presets = PRESET_DAYS.filter((days) => days <= policy.max_lifetime_days).map(
    (days) => `${days}` as ExpiryChoice,
  );
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
