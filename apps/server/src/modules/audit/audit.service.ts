import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { DB } from '../../schema.ts';
import type { AuditFilter, AuditRepository } from './audit.repository.ts';
import type { AuditAction } from './audit-actions.ts';

export interface AuditEventInput {
  userId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'failure';
  /** Names and ids only: never a secret. */
  metadata?: Record<string, unknown>;
}

export function createAuditService(deps: { audit: AuditRepository; clock: Clock }) {
  const { audit, clock } = deps;
  return {
    /**
     * Records an event. Pass the transaction of the change it records, so that the event and
     * the change commit or roll back together.
     */
    async record(executor: Kysely<DB> | undefined, context: RequestContext | null, event: AuditEventInput) {
      await audit.insertAuditEvent(
        {
          user_id: event.userId,
          actor_credential_id: context?.actorCredentialId ?? null,
          actor_kind: context?.actorKind ?? null,
          action: event.action,
          target_type: event.targetType ?? null,
          target_id: event.targetId ?? null,
          outcome: event.outcome ?? 'success',
          ip: context?.ip ?? null,
          user_agent: context?.userAgent ?? null,
          request_id: context?.requestId ?? null,
          metadata: event.metadata ?? {},
          created_at: clock.now(),
        },
        executor,
      );
    },

    async listForUser(userId: string, cursor: string | undefined, limit: number, filter: AuditFilter = {}) {
      let beforeId: string | null = null;
      if (cursor) {
        beforeId = Buffer.from(cursor, 'base64url').toString('utf8');
        if (!/^[0-9]{1,19}$/.test(beforeId))
          throw new AppError('invalid_request', 'The cursor is not valid.');
      }
      const rows = await audit.listAuditEventsForUser(userId, beforeId, limit + 1, filter);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page,
        nextCursor: rows.length > limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
