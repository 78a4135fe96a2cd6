import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, OAuthAuthorizationRequestsTable } from '../../schema.ts';
import { pendingAuthorizationQueries } from './pending-authorizations.ts';

export type AuthorizationRequestRow = Selectable<OAuthAuthorizationRequestsTable>;
export type NewAuthorizationRequestRow = Insertable<OAuthAuthorizationRequestsTable>;

/** What the user's one decision writes: an approval also stores the single-use code's hash and expiry. */
export type AuthorizationDecision =
  | { status: 'approved'; decided_at: Date; code_hash: string; code_expires_at: Date }
  | { status: 'denied'; decided_at: Date };

export function createAuthorizationRequestRepository(db: Kysely<DB>) {
  const selectRequests = (executor: Kysely<DB>) =>
    executor.selectFrom('oauth_authorization_requests').selectAll();
  // The only request a consent may show or decide is the user's own.
  const pending = pendingAuthorizationQueries(
    db,
    'oauth_authorization_requests',
    (eb, request: { id: string; userId: string }) => [
      eb('id', '=', request.id),
      eb('user_id', '=', request.userId),
    ],
  );

  return {
    async insertRequest(row: NewAuthorizationRequestRow, executor: Kysely<DB> = db): Promise<void> {
      await executor.insertInto('oauth_authorization_requests').values(row).execute();
    },

    /** Housekeeping: rows older than a day are of no use, not even for reuse detection. */
    async deleteRequestsCreatedBefore(cutoff: Date, executor: Kysely<DB> = db): Promise<void> {
      await executor.deleteFrom('oauth_authorization_requests').where('created_at', '<', cutoff).execute();
    },

    /** A request the consent page may show: the user's own, undecided and unexpired. */
    findPendingRequestForUser: pending.find,

    /** Records the user's one decision; undefined when the request is not theirs, decided or expired. */
    decideRequestForUser: pending.decide<AuthorizationDecision>,

    async findRequestByCodeHash(
      codeHash: string,
      executor: Kysely<DB> = db,
    ): Promise<AuthorizationRequestRow | undefined> {
      return selectRequests(executor).where('code_hash', '=', codeHash).executeTakeFirst();
    },

    async findRequestById(
      id: string,
      executor: Kysely<DB> = db,
    ): Promise<AuthorizationRequestRow | undefined> {
      return selectRequests(executor).where('id', '=', id).executeTakeFirst();
    },

    /**
     * Denies the user's undecided requests and approved codes not yet redeemed (after a password
     * change or "sign out everywhere", ADR 0013); returns how many.
     */
    async denyOpenRequestsForUser(userId: string, now: Date, executor: Kysely<DB> = db): Promise<number> {
      const denied = await executor
        .updateTable('oauth_authorization_requests')
        .set({ status: 'denied', decided_at: now })
        .where('user_id', '=', userId)
        .where('status', 'in', ['pending', 'approved'])
        .where('redeemed_at', 'is', null)
        .returning('id')
        .execute();
      return denied.length;
    },

    /**
     * Spends a code and records the token family it becomes. Of two concurrent redemptions only
     * one updates the row; the other sees false and treats itself as a reuse.
     */
    async claimCode(id: string, familyId: string, now: Date, executor: Kysely<DB>): Promise<boolean> {
      const claimed = await executor
        .updateTable('oauth_authorization_requests')
        .set({ redeemed_at: now, family_id: familyId })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .where('redeemed_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return claimed !== undefined;
    },
  };
}

export type AuthorizationRequestRepository = ReturnType<typeof createAuthorizationRequestRepository>;
