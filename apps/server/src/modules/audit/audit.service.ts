import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { DB } from '../../schema.ts';
import { type AuditFilter, type AuditRepository, createAuditRepository } from './audit.repository.ts';
import type { AuditAction } from './audit-actions.ts';
import type { AuditTargetType } from './audit-target-types.ts';

export interface AuditEventInput {
  userId: string | null;
  action: AuditAction;
  targetType?: AuditTargetType;
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

    /** Whether this user agent signed in to the account before (the "new device" notice). */
    hasSignedInWithUserAgent: (executor: Kysely<DB> | undefined, userId: string, userAgent: string) =>
      audit.hasSignedInWithUserAgent(userId, userAgent, executor),

    /** A page of events, newest first, older than the event id `beforeId` when given. */
    async listForUser(userId: string, beforeId: string | null, limit: number, filter: AuditFilter = {}) {
      const rows = await audit.listAuditEventsForUser(userId, beforeId, limit + 1, filter);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page,
        /** The id the next page starts before; null on the last page. */
        lastId: rows.length > limit && last ? last.id : null,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/**
 * `record` for a service whose events are about one kind of target, each owned by the user it is
 * recorded for: `const recordAgentEvent = targetEvents(audit, 'agent')`, then
 * `recordAgentEvent(tx, context, ownerId, agent.id, 'agent.deleted', { name })`.
 */
export function targetEvents(audit: Pick<AuditService, 'record'>, targetType: AuditTargetType) {
  return (
    executor: Kysely<DB> | undefined,
    context: RequestContext | null,
    userId: string,
    targetId: string,
    action: AuditAction,
    metadata: Record<string, unknown>,
  ) => audit.record(executor, context, { userId, action, targetType, targetId, metadata });
}

/** The audit service on an open store, for a command run beside the servers (`admin:revoke`). */
export function createAuditServiceOn(db: Kysely<DB>, clock: Clock): AuditService {
  return createAuditService({ audit: createAuditRepository(db), clock });
}
