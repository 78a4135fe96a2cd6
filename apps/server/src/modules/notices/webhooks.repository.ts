import { type Kysely, type Selectable, sql } from 'kysely';
import { encryptedColumnQueries } from '../../platform/crypto/encrypted-column-queries.ts';
import { type NewestFirstCursor, newestFirst } from '../../platform/database/newest-first.ts';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import type { DB, WebhookEndpointsTable } from '../../schema.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
/** What an owner's change to an endpoint may write. */
export type WebhookEndpointPatch = Partial<
  Pick<WebhookEndpointRow, 'url' | 'description' | 'kinds' | 'enabled' | 'secret_ciphertext'>
> & { updated_at: Date };

/** Webhook endpoints and their delivery log; ownership always in the WHERE clause. */
export function createWebhookRepository(db: Kysely<DB>) {
  const secrets = encryptedColumnQueries(db, 'webhook_endpoints', 'secret_ciphertext', ['user_id']);
  const owned = ownedRowQueries(db, 'webhook_endpoints', 'user_id');

  return {
    async insertEndpoint(
      row: {
        id: string;
        user_id: string;
        url: string;
        description: string;
        kinds: string[];
        secret_ciphertext: string;
        created_at: Date;
        updated_at: Date;
      },
      executor: Kysely<DB> = db,
    ) {
      return executor.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async listEndpointsForOwner(userId: string) {
      return db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
    },

    findEndpointForOwner: owned.find,

    async findEndpoint(id: string) {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    },

    updateEndpointForOwner: owned.updateRow<WebhookEndpointPatch>,

    /** How many endpoint secrets each key id encrypts. */
    async countSecretsByKeyId(): Promise<Array<{ key_id: string; secrets: number }>> {
      return (await secrets.countByKeyId()).map((k) => ({ key_id: k.key_id, secrets: k.count }));
    },

    /** The encrypted signing-secret column, as a key rotation reads and swaps it. */
    secretColumn: secrets,

    async deleteEndpointForOwner(id: string, userId: string, executor: Kysely<DB> = db): Promise<boolean> {
      const result = await owned.delete(executor, id, userId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /** The delivery log of one endpoint, newest first, with each delivery's notice kind. */
    async listDeliveriesOfEndpoint(
      endpointId: string,
      limit: number,
      before?: NewestFirstCursor,
      onlyId?: string,
    ) {
      let query = db
        .selectFrom('notice_deliveries')
        .innerJoin('notice_events', 'notice_events.id', 'notice_deliveries.event_id')
        .select([
          'notice_deliveries.id',
          'notice_deliveries.event_id',
          'notice_events.kind',
          'notice_deliveries.status',
          'notice_deliveries.attempts',
          'notice_deliveries.last_status_code',
          'notice_deliveries.last_error',
          'notice_deliveries.next_attempt_at',
          'notice_deliveries.created_at',
          'notice_deliveries.delivered_at',
        ])
        .where('notice_deliveries.endpoint_id', '=', endpointId)
        .limit(limit);
      if (onlyId) query = query.where('notice_deliveries.id', '=', onlyId);
      return newestFirst(
        query,
        { createdAt: 'notice_deliveries.created_at', id: 'notice_deliveries.id' },
        before,
      ).execute();
    },

    async listAttemptsOfDeliveries(deliveryIds: string[]) {
      if (deliveryIds.length === 0) return [];
      return db
        .selectFrom('notice_delivery_attempts')
        .select([
          sql<string>`id::text`.as('id'),
          'delivery_id',
          'attempt',
          'attempted_at',
          'status_code',
          'error',
          'duration_ms',
        ])
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('id', 'desc')
        .execute();
    },

    /** The test event: a notice that is never shown in-app, with its one delivery already fanned out. */
    async insertTestEvent(row: {
      eventId: string;
      deliveryId: string;
      userId: string;
      endpointId: string;
      at: Date;
      data: Record<string, unknown>;
    }) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('notice_events')
          .values({
            id: row.eventId,
            user_id: row.userId,
            kind: 'webhook.test',
            subject_type: 'webhook_endpoint',
            subject_id: row.endpointId,
            data: JSON.stringify(row.data),
            created_at: row.at,
            read_at: row.at,
            fanned_out_at: row.at,
          })
          .execute();
        await tx
          .insertInto('notice_deliveries')
          .values({
            id: row.deliveryId,
            event_id: row.eventId,
            user_id: row.userId,
            channel: 'webhook',
            endpoint_id: row.endpointId,
            next_attempt_at: row.at,
            created_at: row.at,
          })
          .execute();
      });
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
