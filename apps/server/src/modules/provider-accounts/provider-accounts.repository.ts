import type { Kysely, Selectable, Updateable } from 'kysely';
import { encryptedColumnQueries } from '../../platform/crypto/encrypted-column-queries.ts';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import type { DB, ProviderAccountsTable } from '../../schema.ts';
import type { ProviderTokenExpiry } from '../notices/expiry-scan.ts';

export type ProviderAccountRow = Selectable<ProviderAccountsTable>;
export type NewProviderAccountRow = Omit<ProviderAccountRow, 'created_at' | 'updated_at'> & {
  created_at: Date;
  updated_at: Date;
};
export type ProviderAccountPatch = Pick<
  Updateable<ProviderAccountsTable>,
  | 'name'
  | 'token_ciphertext'
  | 'token_preview'
  | 'status'
  | 'login'
  | 'scopes'
  | 'token_expires_at'
  | 'last_checked_at'
  | 'updated_at'
>;

export function createProviderAccountRepository(db: Kysely<DB>) {
  const tokens = encryptedColumnQueries(db, 'provider_accounts', 'token_ciphertext', ['user_id', 'provider']);
  const owned = ownedRowQueries(db, 'provider_accounts', 'user_id');

  return {
    /** Accounts whose token expires (as the provider reported) in [from, to): the notices expiry scan. */
    async listAccountsWithTokenExpiringBetween(from: Date, to: Date) {
      // The range on token_expires_at keeps only rows where it is set.
      return db
        .selectFrom('provider_accounts')
        .select(['id', 'user_id', 'name', 'provider', 'token_preview', 'token_expires_at'])
        .where('token_expires_at', '>=', from)
        .where('token_expires_at', '<', to)
        .execute() as Promise<ProviderTokenExpiry[]>;
    },

    /**
     * Claims up to `limit` accounts not checked since `checkedBefore` for the daily re-check, by
     * stamping `last_checked_at = now` in the claiming statement: rows locked by another
     * instance's claim are skipped (SKIP LOCKED) and rows it stamped no longer qualify, so each
     * account is re-checked by one instance a day (ADR 0036).
     */
    async claimAccountsDueForCheck(
      checkedBefore: Date,
      now: Date,
      limit: number,
    ): Promise<ProviderAccountRow[]> {
      return db
        .updateTable('provider_accounts')
        .set({ last_checked_at: now })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('provider_accounts')
            .select('id')
            .where((w) => w.or([w('last_checked_at', 'is', null), w('last_checked_at', '<', checkedBefore)]))
            .orderBy('last_checked_at', (ob) => ob.asc().nullsFirst())
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .where((w) => w.or([w('last_checked_at', 'is', null), w('last_checked_at', '<', checkedBefore)]))
        .returningAll()
        .execute();
    },

    async insertAccount(row: NewProviderAccountRow, executor: Kysely<DB> = db): Promise<ProviderAccountRow> {
      return executor.insertInto('provider_accounts').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async listAccountsForOwner(userId: string): Promise<ProviderAccountRow[]> {
      return owned.list(db, userId).execute();
    },

    findAccountForOwner: owned.find,

    updateAccountForOwner: owned.updateRow<ProviderAccountPatch>,

    /**
     * Records a test's outcome on the account `tested` was read from, but only if the token
     * tested (its ciphertext) is still the stored one: a check that raced a token replacement
     * must not label the new token with the old one's result.
     */
    async recordCheckForOwner(
      tested: Pick<ProviderAccountRow, 'id' | 'user_id' | 'token_ciphertext'>,
      patch: ProviderAccountPatch,
      executor: Kysely<DB> = db,
    ): Promise<ProviderAccountRow | undefined> {
      return owned
        .update(executor, tested.id, tested.user_id, patch)
        .where('token_ciphertext', '=', tested.token_ciphertext)
        .returningAll()
        .executeTakeFirst();
    },

    async deleteAccountForOwner(id: string, userId: string, executor: Kysely<DB> = db): Promise<boolean> {
      const deleted = await owned.delete(executor, id, userId).returning('id').executeTakeFirst();
      return deleted !== undefined;
    },

    /** How many stored tokens each key id encrypts. */
    async countTokensByKeyId(): Promise<Array<{ key_id: string; tokens: number }>> {
      return (await tokens.countByKeyId()).map((k) => ({ key_id: k.key_id, tokens: k.count }));
    },

    /** The encrypted token column, as a key rotation reads and swaps it. */
    tokenColumn: tokens,
  };
}

export type ProviderAccountRepository = ReturnType<typeof createProviderAccountRepository>;
