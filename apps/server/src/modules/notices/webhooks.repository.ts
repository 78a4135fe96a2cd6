import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, WebhookEndpointsTable } from '../../schema.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

/** Webhook endpoints and their delivery log; ownership always in the WHERE clause. */
export function createWebhookRepository(db: Kysely<DB>) {
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

    async findEndpointForOwner(id: string, userId: string, executor: Kysely<DB> = db) {
      return executor
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    async findEndpoint(id: string) {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async updateEndpointForOwner(
      id: string,
      userId: string,
      patch: Partial<
        Pick<WebhookEndpointRow, 'url' | 'description' | 'kinds' | 'enabled' | 'secret_ciphertext'>
      > & {
        updated_at: Date;
      },
      executor: Kysely<DB> = db,
    ) {
      return executor
        .updateTable('webhook_endpoints')
        .set(patch)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
    },

    /** How many endpoint secrets each key id encrypts (read from the envelope `v1|keyId|…`). */
    async countSecretsByKeyId(): Promise<Array<{ key_id: string; secrets: number }>> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .select([
          sql<string>`split_part(secret_ciphertext, '|', 2)`.as('key_id'),
          sql<string>`count(*)::text`.as('secrets'),
        ])
        .groupBy(sql`split_part(secret_ciphertext, '|', 2)`)
        .execute();
      return rows.map((r) => ({ key_id: r.key_id, secrets: Number(r.secrets) }));
    },

    /** A batch of endpoints whose secret is not under `currentKeyId`, in id order after `afterId`. */
    async listSecretsNotUnderKey(currentKeyId: string, afterId: string | null, limit: number) {
      let query = db
        .selectFrom('webhook_endpoints')
        .select(['id', 'user_id', 'secret_ciphertext'])
        .where(sql<string>`split_part(secret_ciphertext, '|', 2)`, '<>', currentKeyId)
        .orderBy('id')
        .limit(limit);
      if (afterId !== null) query = query.where('id', '>', afterId);
      return query.execute();
    },

    /** Swaps one secret ciphertext for another, only if nobody changed it meanwhile (a rotation). */
    async replaceSecretCiphertext(
      id: string,
      expected: string,
      replacement: string,
      executor: Kysely<DB> = db,
    ): Promise<boolean> {
      const updated = await executor
        .updateTable('webhook_endpoints')
        .set({ secret_ciphertext: replacement })
        .where('id', '=', id)
        .where('secret_ciphertext', '=', expected)
        .returning('id')
        .executeTakeFirst();
      return updated !== undefined;
    },

    async deleteEndpointForOwner(id: string, userId: string, executor: Kysely<DB> = db): Promise<boolean> {
      const result = await executor
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /** The delivery log of one endpoint, newest first, with each delivery's notice kind. */
    async listDeliveriesOfEndpoint(
      endpointId: string,
      limit: number,
      before?: { createdAt: Date; id: string },
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
        .orderBy('notice_deliveries.created_at', 'desc')
        .orderBy('notice_deliveries.id', 'desc')
        .limit(limit);
      if (onlyId) query = query.where('notice_deliveries.id', '=', onlyId);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('notice_deliveries.created_at', '<', before.createdAt),
            eb.and([
              eb('notice_deliveries.created_at', '=', before.createdAt),
              eb('notice_deliveries.id', '<', before.id),
            ]),
          ]),
        );
      }
      return query.execute();
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
