import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { DB, ProviderAccountsTable } from '../../schema.ts';

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
  return {
    /** Accounts whose token expires (as the provider reported) in [from, to): the notices expiry scan. */
    async listAccountsWithTokenExpiringBetween(from: Date, to: Date) {
      return db
        .selectFrom('provider_accounts')
        .select(['id', 'user_id', 'name', 'provider', 'token_preview', 'token_expires_at'])
        .where('token_expires_at', '>=', from)
        .where('token_expires_at', '<', to)
        .execute() as Promise<
        Array<{
          id: string;
          user_id: string;
          name: string;
          provider: string;
          token_preview: string;
          token_expires_at: Date;
        }>
      >;
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
      return db
        .selectFrom('provider_accounts')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    async findAccountForOwner(
      id: string,
      userId: string,
      executor: Kysely<DB> = db,
    ): Promise<ProviderAccountRow | undefined> {
      return executor
        .selectFrom('provider_accounts')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    async updateAccountForOwner(
      id: string,
      userId: string,
      patch: ProviderAccountPatch,
      executor: Kysely<DB> = db,
    ): Promise<ProviderAccountRow | undefined> {
      return executor
        .updateTable('provider_accounts')
        .set(patch)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * Records a test's outcome, but only if the token tested is still the stored one: a check
     * that raced a token replacement must not label the new token with the old one's result.
     */
    async recordCheckForOwner(
      id: string,
      userId: string,
      testedCiphertext: string,
      patch: ProviderAccountPatch,
      executor: Kysely<DB> = db,
    ): Promise<ProviderAccountRow | undefined> {
      return executor
        .updateTable('provider_accounts')
        .set(patch)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('token_ciphertext', '=', testedCiphertext)
        .returningAll()
        .executeTakeFirst();
    },

    async deleteAccountForOwner(id: string, userId: string, executor: Kysely<DB> = db): Promise<boolean> {
      const deleted = await executor
        .deleteFrom('provider_accounts')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returning('id')
        .executeTakeFirst();
      return deleted !== undefined;
    },

    /** How many stored tokens each key id encrypts (read from the envelope `v1|keyId|…`). */
    async countTokensByKeyId(): Promise<Array<{ key_id: string; tokens: number }>> {
      const rows = await db
        .selectFrom('provider_accounts')
        .select([
          sql<string>`split_part(token_ciphertext, '|', 2)`.as('key_id'),
          sql<string>`count(*)::text`.as('tokens'),
        ])
        .groupBy(sql`split_part(token_ciphertext, '|', 2)`)
        .execute();
      return rows.map((r) => ({ key_id: r.key_id, tokens: Number(r.tokens) }));
    },

    /** A batch of rows whose token is not under `currentKeyId`, in id order after `afterId`. */
    async listTokensNotUnderKey(
      currentKeyId: string,
      afterId: string | null,
      limit: number,
    ): Promise<Array<Pick<ProviderAccountRow, 'id' | 'user_id' | 'provider' | 'token_ciphertext'>>> {
      let query = db
        .selectFrom('provider_accounts')
        .select(['id', 'user_id', 'provider', 'token_ciphertext'])
        .where(sql<string>`split_part(token_ciphertext, '|', 2)`, '<>', currentKeyId)
        .orderBy('id')
        .limit(limit);
      if (afterId !== null) query = query.where('id', '>', afterId);
      return query.execute();
    },

    /** Swaps one ciphertext for another, only if nobody changed it meanwhile. */
    async replaceCiphertext(
      id: string,
      expected: string,
      replacement: string,
      executor: Kysely<DB> = db,
    ): Promise<boolean> {
      const updated = await executor
        .updateTable('provider_accounts')
        .set({ token_ciphertext: replacement })
        .where('id', '=', id)
        .where('token_ciphertext', '=', expected)
        .returning('id')
        .executeTakeFirst();
      return updated !== undefined;
    },
  };
}

export type ProviderAccountRepository = ReturnType<typeof createProviderAccountRepository>;
