import { addMs, type Clock, DAY_MS } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import type { ProviderAccountService } from '../provider-accounts/provider-accounts.service.ts';
import { enqueueNotice } from './notices.outbox.ts';

/** How far back an expiry still earns a `token.expired` notice (older ones predate the scan). */
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;

/**
 * The threshold a remaining time falls under: the smallest configured number of days that is at
 * least the time left. A token made with 5 days to live gets the 7-day notice, never the 30-day one.
 */
export function thresholdFor(remainingMs: number, thresholdsDays: readonly number[]): number | null {
  const fitting = thresholdsDays.filter((days) => remainingMs <= days * DAY_MS);
  return fitting.length === 0 ? null : Math.min(...fitting);
}

/** A provider account as the expiry notice needs it: the expiry its provider last reported. */
export interface ProviderTokenExpiry {
  id: string;
  user_id: string;
  name: string;
  provider: string;
  token_preview: string;
  token_expires_at: Date;
}

/**
 * `provider_token.expiring` for the threshold the provider-reported expiry falls under, once per
 * account, threshold and expiry (dedupe key): the expiry scan, each test and the daily re-check
 * all call this, on any number of instances, and the owner hears once. Null when nothing is due
 * or the notice exists already.
 */
export async function enqueueProviderTokenExpiring(
  executor: Db,
  account: ProviderTokenExpiry,
  now: Date,
  thresholdsDays: readonly number[],
): Promise<string | null> {
  const remaining = account.token_expires_at.getTime() - now.getTime();
  if (remaining <= 0) return null;
  const threshold = thresholdFor(remaining, thresholdsDays);
  if (threshold === null) return null;
  const expiresAt = account.token_expires_at.toISOString();
  return enqueueNotice(executor, {
    userId: account.user_id,
    kind: 'provider_token.expiring',
    subject: { type: 'provider_account', id: account.id, name: account.name, preview: account.token_preview },
    data: { provider: account.provider, expires_at: expiresAt, threshold_days: threshold },
    dedupeKey: `provider_token.expiring:${account.id}:${threshold}:${expiresAt}`,
    at: now,
  });
}

/**
 * The expiry scan (ADR 0034). Every instance runs it; each notice carries a dedupe key of
 * (credential, threshold, expiry) and is inserted ON CONFLICT DO NOTHING, so however many
 * instances scan at once, one notice exists per token and threshold. A renewed token has a new
 * expiry, hence new keys, and is warned about again.
 */
export function createExpiryScan(deps: {
  db: Db;
  clock: Clock;
  thresholdsDays: readonly number[];
  credentials: Pick<CredentialService, 'listPersonalTokensExpiringBetween'>;
  providerAccounts: Pick<ProviderAccountService, 'listAccountsWithTokenExpiringBetween'>;
}) {
  const { db, clock, thresholdsDays } = deps;
  const horizonMs = Math.max(...thresholdsDays) * DAY_MS;

  return async function runExpiryScan(): Promise<number> {
    const now = clock.now();
    let created = 0;
    const count = (id: string | null) => {
      if (id) created += 1;
    };

    for (const token of await deps.credentials.listPersonalTokensExpiringBetween(
      addMs(now, -EXPIRED_LOOKBACK_MS),
      addMs(now, horizonMs),
    )) {
      const expiresAt = token.expires_at.toISOString();
      const subject = {
        type: 'personal_access_token' as const,
        id: token.id,
        name: token.name,
        preview: token.preview,
      };
      const remaining = token.expires_at.getTime() - now.getTime();
      if (remaining <= 0) {
        count(
          await enqueueNotice(db, {
            userId: token.user_id,
            kind: 'token.expired',
            subject,
            data: { expires_at: expiresAt },
            dedupeKey: `token.expired:${token.id}:${expiresAt}`,
            at: now,
          }),
        );
        continue;
      }
      const threshold = thresholdFor(remaining, thresholdsDays);
      if (threshold === null) continue;
      count(
        await enqueueNotice(db, {
          userId: token.user_id,
          kind: 'token.expiring',
          subject,
          data: { expires_at: expiresAt, threshold_days: threshold },
          dedupeKey: `token.expiring:${token.id}:${threshold}:${expiresAt}`,
          at: now,
        }),
      );
    }

    for (const account of await deps.providerAccounts.listAccountsWithTokenExpiringBetween(
      now,
      addMs(now, horizonMs),
    )) {
      count(await enqueueProviderTokenExpiring(db, account, now, thresholdsDays));
    }
    return created;
  };
}
