import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, OAuthDeviceAuthorizationsTable } from '../../schema.ts';
import { pendingAuthorizationQueries } from './pending-authorizations.ts';

export type DeviceAuthorizationRow = Selectable<OAuthDeviceAuthorizationsTable>;
export type NewDeviceAuthorizationRow = Insertable<OAuthDeviceAuthorizationsTable>;

/** What the one decision on a device authorization writes: the answer and who gave it. */
export type DeviceDecision = { status: 'approved' | 'denied'; user_id: string; decided_at: Date };

export function createDeviceAuthorizationRepository(db: Kysely<DB>) {
  // The undecided, unexpired authorization of a (normalised) user code: the only one a decision may take.
  const pending = pendingAuthorizationQueries(db, 'oauth_device_authorizations', (eb, userCode: string) => [
    eb('user_code', '=', userCode),
  ]);

  return {
    async insertDeviceAuthorization(
      row: NewDeviceAuthorizationRow,
      executor: Kysely<DB> = db,
    ): Promise<void> {
      await executor.insertInto('oauth_device_authorizations').values(row).execute();
    },

    /** Housekeeping: frees old user codes for reuse (they expire after 10 minutes anyway). */
    async deleteDeviceAuthorizationsCreatedBefore(cutoff: Date, executor: Kysely<DB> = db): Promise<void> {
      await executor.deleteFrom('oauth_device_authorizations').where('created_at', '<', cutoff).execute();
    },

    /** The row a poll works on, locked so that concurrent polls of one device code queue up. */
    async findByDeviceCodeHashForUpdate(
      deviceCodeHash: string,
      executor: Kysely<DB>,
    ): Promise<DeviceAuthorizationRow | undefined> {
      return executor
        .selectFrom('oauth_device_authorizations')
        .selectAll()
        .where('device_code_hash', '=', deviceCodeHash)
        .forUpdate()
        .executeTakeFirst();
    },

    async recordPoll(id: string, at: Date, intervalSeconds: number, executor: Kysely<DB>): Promise<void> {
      await executor
        .updateTable('oauth_device_authorizations')
        .set({ last_polled_at: at, interval_seconds: intervalSeconds })
        .where('id', '=', id)
        .execute();
    },

    /** Spends an approved device code; false when another poll already did. */
    async markRedeemed(id: string, at: Date, executor: Kysely<DB>): Promise<boolean> {
      const updated = await executor
        .updateTable('oauth_device_authorizations')
        .set({ status: 'redeemed', last_polled_at: at })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .returning('id')
        .executeTakeFirst();
      return updated !== undefined;
    },

    /** An undecided, unexpired authorization by its (normalised) user code. */
    findPendingByUserCode: pending.find,

    /** Denies the user's approved device codes not yet redeemed (ADR 0013); returns how many. */
    async denyApprovedForUser(userId: string, executor: Kysely<DB> = db): Promise<number> {
      const denied = await executor
        .updateTable('oauth_device_authorizations')
        .set({ status: 'denied' })
        .where('user_id', '=', userId)
        .where('status', '=', 'approved')
        .returning('id')
        .execute();
      return denied.length;
    },

    /** Records the one decision on a pending authorization; undefined when there is none to decide. */
    decidePendingByUserCode: pending.decide<DeviceDecision>,
  };
}

export type DeviceAuthorizationRepository = ReturnType<typeof createDeviceAuthorizationRepository>;
