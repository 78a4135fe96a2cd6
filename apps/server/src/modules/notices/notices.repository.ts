import { type Kysely, type Selectable, sql } from 'kysely';
import type { NewestFirstCursor } from '../../platform/database/newest-first.ts';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import { newId } from '../../platform/ids.ts';
import type { DB, NoticeChannel, NoticeDeliveriesTable, NoticeEventsTable } from '../../schema.ts';

export type NoticeEventRow = Selectable<NoticeEventsTable>;
export type NoticeDeliveryRow = Selectable<NoticeDeliveriesTable>;

/** A user's channel choice for one kind. */
export interface ChannelChoice {
  in_app: boolean;
  email: boolean;
  webhook: boolean;
}

/** SQL for "this user shows this kind in-app": no preference row, or one with in_app on. */
const shownInApp = sql<boolean>`not exists (
  select 1 from notice_preferences p
  where p.user_id = notice_events.user_id and p.kind = notice_events.kind and p.in_app = false
) and notice_events.kind <> 'webhook.test'`;

export function createNoticeRepository(db: Kysely<DB>) {
  const owned = ownedRowQueries(db, 'notice_events', 'user_id');
  return {
    // --- in-app -------------------------------------------------------------------------
    /** Newest first; `before` is the (created_at, id) of the last notice of the previous page. */
    async listNoticesForUser(
      userId: string,
      options: { limit: number; unreadOnly: boolean; before?: NewestFirstCursor },
    ) {
      let query = owned.list(db, userId, options.before).where(shownInApp).limit(options.limit);
      if (options.unreadOnly) query = query.where('read_at', 'is', null);
      return query.execute();
    },

    async countUnreadForUser(userId: string): Promise<number> {
      const row = await db
        .selectFrom('notice_events')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .where(shownInApp)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async findNoticeForUser(id: string, userId: string) {
      return owned.select(db, id, userId).where('kind', '<>', 'webhook.test').executeTakeFirst();
    },

    async markNoticeRead(id: string, userId: string, at: Date) {
      return owned
        .update(db, id, userId, { read_at: sql<Date>`coalesce(read_at, ${at})` })
        .where('kind', '<>', 'webhook.test')
        .returningAll()
        .executeTakeFirst();
    },

    async markAllNoticesRead(userId: string, at: Date): Promise<number> {
      const result = await db
        .updateTable('notice_events')
        .set({ read_at: at })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    // --- preferences ----------------------------------------------------------------------
    async listPreferencesForUser(userId: string, executor: Kysely<DB> = db) {
      return executor.selectFrom('notice_preferences').selectAll().where('user_id', '=', userId).execute();
    },

    async upsertPreferences(userId: string, rows: Array<{ kind: string } & ChannelChoice>) {
      if (rows.length === 0) return;
      await db
        .insertInto('notice_preferences')
        .values(rows.map((row) => ({ user_id: userId, ...row })))
        .onConflict((conflict) =>
          conflict.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
            in_app: eb.ref('excluded.in_app'),
            email: eb.ref('excluded.email'),
            webhook: eb.ref('excluded.webhook'),
          })),
        )
        .execute();
    },

    async findLocale(userId: string, executor: Kysely<DB> = db) {
      const row = await executor
        .selectFrom('notice_user_settings')
        .select('locale')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.locale ?? 'en-US';
    },

    async setLocale(userId: string, locale: 'en-US' | 'zh-CN') {
      await db
        .insertInto('notice_user_settings')
        .values({ user_id: userId, locale })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ locale }))
        .execute();
    },

    // --- the worker: fan-out ----------------------------------------------------------------
    /** Events not yet fanned out, locked so that another instance skips them. Call inside a transaction. */
    async lockEventsToFanOut(tx: Kysely<DB>, limit: number) {
      return tx
        .selectFrom('notice_events')
        .selectAll()
        .where('fanned_out_at', 'is', null)
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
    },

    async listEnabledEndpointsForUsers(tx: Kysely<DB>, userIds: string[]) {
      if (userIds.length === 0) return [];
      return tx
        .selectFrom('webhook_endpoints')
        .select(['id', 'user_id', 'kinds'])
        .where('user_id', 'in', userIds)
        .where('enabled', '=', true)
        .execute();
    },

    async listPreferencesForUsers(tx: Kysely<DB>, userIds: string[]) {
      if (userIds.length === 0) return [];
      return tx.selectFrom('notice_preferences').selectAll().where('user_id', 'in', userIds).execute();
    },

    async insertDeliveries(
      tx: Kysely<DB>,
      rows: Array<{ eventId: string; userId: string; channel: NoticeChannel; endpointId: string | null }>,
      at: Date,
    ) {
      if (rows.length === 0) return;
      await tx
        .insertInto('notice_deliveries')
        .values(
          rows.map((row) => ({
            id: newId('ndl'),
            event_id: row.eventId,
            user_id: row.userId,
            channel: row.channel,
            endpoint_id: row.endpointId,
            next_attempt_at: at,
            created_at: at,
          })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    },

    async markFannedOut(tx: Kysely<DB>, ids: string[], at: Date) {
      if (ids.length === 0) return;
      await tx.updateTable('notice_events').set({ fanned_out_at: at }).where('id', 'in', ids).execute();
    },

    // --- the worker: leases -----------------------------------------------------------------
    /**
     * Claims up to `limit` due deliveries for `owner` until `leaseUntil`: pending, due, and not
     * leased (or the lease ran out: its worker died). SKIP LOCKED lets N instances claim at once
     * without waiting on or taking each other's rows.
     */
    /**
     * Whether a round would find anything: one read-only statement on the two partial indexes,
     * so an idle poll neither locks nor writes (on the embedded store a write would also empty
     * the read cache, ADR 0027).
     */
    async hasDueWork(now: Date): Promise<boolean> {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .exists(eb.selectFrom('notice_events').select('id').where('fanned_out_at', 'is', null))
            .as('events'),
          eb
            .exists(
              eb
                .selectFrom('notice_deliveries')
                .select('id')
                .where('status', '=', 'pending')
                .where('next_attempt_at', '<=', now)
                .where((inner) =>
                  inner.or([inner('lease_until', 'is', null), inner('lease_until', '<', now)]),
                ),
            )
            .as('deliveries'),
        ])
        .executeTakeFirstOrThrow();
      return Boolean(row.events) || Boolean(row.deliveries);
    },

    async claimDueDeliveries(owner: string, now: Date, leaseUntil: Date, limit: number) {
      return db
        .updateTable('notice_deliveries')
        .set((eb) => ({
          lease_owner: owner,
          lease_until: leaseUntil,
          attempts: eb('attempts', '+', 1),
        }))
        .where(
          'id',
          'in',
          db
            .selectFrom('notice_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    /** Claims one delivery now (the "send test event" button), whatever its schedule. */
    async claimDelivery(id: string, owner: string, leaseUntil: Date) {
      return db
        .updateTable('notice_deliveries')
        .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('lease_owner', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },

    async findEvent(id: string) {
      return db.selectFrom('notice_events').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async findRecipient(userId: string) {
      const row = await db
        .selectFrom('users')
        .leftJoin('notice_user_settings', 'notice_user_settings.user_id', 'users.id')
        .select(['users.email', 'users.name', 'notice_user_settings.locale'])
        .where('users.id', '=', userId)
        .executeTakeFirst();
      return row ? { email: row.email, name: row.name, locale: row.locale ?? 'en-US' } : undefined;
    },

    async findEndpointForDelivery(id: string) {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * Records the outcome of an attempt, only while `owner` still holds the lease: a worker whose
     * lease ran out (and whose delivery another worker took over) cannot overwrite the result.
     */
    async completeDelivery(
      id: string,
      owner: string,
      outcome: {
        status: 'pending' | 'delivered' | 'failed';
        nextAttemptAt?: Date;
        statusCode: number | null;
        error: string | null;
        at: Date;
      },
    ): Promise<boolean> {
      const result = await db
        .updateTable('notice_deliveries')
        .set({
          status: outcome.status,
          lease_owner: null,
          lease_until: null,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
          ...(outcome.status === 'delivered' ? { delivered_at: outcome.at } : {}),
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async insertAttempt(row: {
      delivery_id: string;
      attempt: number;
      attempted_at: Date;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
    }) {
      await db.insertInto('notice_delivery_attempts').values(row).execute();
    },

    /** Retention: events (with their deliveries and attempts) older than `before`. */
    async deleteEventsOlderThan(before: Date): Promise<number> {
      const result = await db.deleteFrom('notice_events').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type NoticeRepository = ReturnType<typeof createNoticeRepository>;
