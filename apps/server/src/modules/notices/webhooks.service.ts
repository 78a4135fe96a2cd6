import type { Clock } from '../../platform/clock.ts';
import type { createSecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { type AuditService, targetEvents } from '../audit/audit.service.ts';
import type { DeliveryWorker } from './delivery-worker.ts';
import type { NoticeKind } from './notice-kinds.ts';
import { generateWebhookSecret } from './standard-webhooks.ts';
import type { WebhookEndpointRow, WebhookRepository } from './webhooks.repository.ts';

type Cipher = Pick<ReturnType<typeof createSecretCipher>, 'encrypt' | 'decrypt'>;

/** The secret is bound to its row, so a ciphertext copied to another endpoint does not open. */
export const webhookSecretAad = (row: { id: string; user_id: string }) =>
  `webhook_endpoint|${row.id}|${row.user_id}`;

export function endpointView(row: WebhookEndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    kinds: row.kinds as NoticeKind[],
    enabled: row.enabled,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

const MAX_ENDPOINTS = 10;

/** What the security log keeps of an endpoint: where it points and what it takes, never its secret. */
const auditView = (row: WebhookEndpointRow) => ({
  url: row.url,
  kinds: row.kinds,
  enabled: row.enabled,
});

export function createWebhookService(deps: {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  webhooks: WebhookRepository;
  cipher: Cipher;
  clock: Clock;
  worker: Pick<DeliveryWorker, 'deliverNow'>;
}) {
  const { db, audit, webhooks, cipher, clock } = deps;
  /** Every event here is about one of the owner's webhook endpoints. */
  const recordEndpointEvent = targetEvents(audit, 'webhook_endpoint');
  const notFound = () => new AppError('not_found', 'There is no such webhook endpoint.');

  async function findOwned(id: string, userId: string) {
    const row = await webhooks.findEndpointForOwner(id, userId);
    if (!row) throw notFound();
    return row;
  }

  async function deliveryPage(
    endpointId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
    onlyId?: string,
  ) {
    const rows = await webhooks.listDeliveriesOfEndpoint(endpointId, limit, before, onlyId);
    const attempts = await webhooks.listAttemptsOfDeliveries(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      notice_id: row.event_id,
      kind: row.kind as NoticeKind,
      status: row.status,
      attempts: row.attempts,
      last_status_code: row.last_status_code,
      last_error: row.last_error,
      next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
      created_at: iso(row.created_at),
      delivered_at: iso(row.delivered_at),
      attempt_log: attempts
        .filter((attempt) => attempt.delivery_id === row.id)
        .slice(0, 20)
        .map((attempt) => ({
          attempt: attempt.attempt,
          attempted_at: iso(attempt.attempted_at),
          status_code: attempt.status_code,
          error: attempt.error,
          duration_ms: attempt.duration_ms,
        })),
    }));
  }

  return {
    /** Opens an endpoint's signing secret for a delivery; undefined when deleted or disabled. */
    async loadEndpointForDelivery(id: string) {
      const row = await webhooks.findEndpoint(id);
      if (!row || !row.enabled) return undefined;
      return { url: row.url, secret: cipher.decrypt(row.secret_ciphertext, webhookSecretAad(row)) };
    },

    async listEndpoints(userId: string) {
      return (await webhooks.listEndpointsForOwner(userId)).map(endpointView);
    },

    async getEndpoint(id: string, userId: string) {
      return endpointView(await findOwned(id, userId));
    },

    async createEndpoint(
      userId: string,
      input: { url: string; description?: string; kinds?: string[] },
      context: RequestContext,
    ) {
      const existing = await webhooks.listEndpointsForOwner(userId);
      if (existing.length >= MAX_ENDPOINTS) {
        throw new AppError('policy_violation', `You may have at most ${MAX_ENDPOINTS} webhook endpoints.`);
      }
      const id = newId('whe');
      const secret = generateWebhookSecret();
      const now = clock.now();
      const row = await inTransaction(db, async (tx) => {
        const inserted = await webhooks.insertEndpoint(
          {
            id,
            user_id: userId,
            url: input.url,
            description: input.description ?? '',
            kinds: [...new Set(input.kinds ?? [])],
            secret_ciphertext: cipher.encrypt(secret, webhookSecretAad({ id, user_id: userId })),
            created_at: now,
            updated_at: now,
          },
          tx,
        );
        await recordEndpointEvent(tx, context, userId, id, 'webhook_endpoint.created', auditView(inserted));
        return inserted;
      });
      return { endpoint: endpointView(row), secret };
    },

    async updateEndpoint(
      id: string,
      userId: string,
      input: { url?: string; description?: string; kinds?: string[]; enabled?: boolean },
      context: RequestContext,
    ) {
      return inTransaction(db, async (tx) => {
        const before = await webhooks.findEndpointForOwner(id, userId, tx);
        if (!before) throw notFound();
        const row = await webhooks.updateEndpointForOwner(
          id,
          userId,
          {
            ...(input.url !== undefined ? { url: input.url } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(input.kinds !== undefined ? { kinds: [...new Set(input.kinds)] } : {}),
            ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
            updated_at: clock.now(),
          },
          tx,
        );
        if (!row) throw notFound();
        // Where notices go is security-relevant: an attacker would redirect them (or turn them off).
        await recordEndpointEvent(tx, context, userId, id, 'webhook_endpoint.updated', {
          ...auditView(row),
          previous: auditView(before),
        });
        return endpointView(row);
      });
    },

    /** A new secret, shown once; the old one stops signing at once. */
    async rotateSecret(id: string, userId: string, context: RequestContext) {
      const current = await findOwned(id, userId);
      const secret = generateWebhookSecret();
      const row = await inTransaction(db, async (tx) => {
        const updated = await webhooks.updateEndpointForOwner(
          id,
          userId,
          { secret_ciphertext: cipher.encrypt(secret, webhookSecretAad(current)), updated_at: clock.now() },
          tx,
        );
        if (!updated) throw notFound();
        await recordEndpointEvent(tx, context, userId, id, 'webhook_endpoint.secret_rotated', {
          url: updated.url,
        });
        return updated;
      });
      return { endpoint: endpointView(row), secret };
    },

    async deleteEndpoint(id: string, userId: string, context: RequestContext) {
      await inTransaction(db, async (tx) => {
        const row = await webhooks.findEndpointForOwner(id, userId, tx);
        if (!row || !(await webhooks.deleteEndpointForOwner(id, userId, tx))) throw notFound();
        await recordEndpointEvent(tx, context, userId, id, 'webhook_endpoint.deleted', auditView(row));
      });
    },

    /** Sends a `webhook.test` event to this endpoint now; failures are retried like any delivery. */
    async sendTestEvent(id: string, userId: string) {
      const endpoint = await findOwned(id, userId);
      const eventId = newId('ntc');
      const deliveryId = newId('ndl');
      await webhooks.insertTestEvent({
        eventId,
        deliveryId,
        userId,
        endpointId: endpoint.id,
        at: clock.now(),
        data: { message: 'This is a test event from Tessera.' },
      });
      await deps.worker.deliverNow(deliveryId);
      const [view] = await deliveryPage(endpoint.id, 1, undefined, deliveryId);
      return view!;
    },

    async listDeliveries(
      id: string,
      userId: string,
      limit: number,
      before?: { createdAt: Date; id: string },
    ) {
      const endpoint = await findOwned(id, userId);
      const page = await deliveryPage(endpoint.id, limit + 1, before);
      const rows = page.slice(0, limit);
      const last = rows.at(-1);
      return {
        deliveries: rows,
        next: page.length > limit && last ? { createdAt: new Date(last.created_at), id: last.id } : null,
      };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
