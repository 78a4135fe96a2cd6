import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditEventsTable, DB } from '../../schema.ts';

/** An audit row as written: every column but the generated id, with its metadata as an object. */
export type NewAuditEvent = Omit<Selectable<AuditEventsTable>, 'id' | 'outcome' | 'metadata'> & {
  outcome: 'success' | 'failure';
  metadata: Record<string, unknown>;
};

export interface AuditFilter {
  actions?: readonly string[];
  targetId?: string;
}

export function createAuditRepository(db: Kysely<DB>) {
  return {
    async insertAuditEvent(event: NewAuditEvent, executor: Kysely<DB> = db): Promise<void> {
      await executor
        .insertInto('audit_events')
        .values({ ...event, metadata: JSON.stringify(event.metadata) })
        .execute();
    },

    /** Whether the user ever signed in (or signed up) successfully with this User-Agent. */
    async hasSignedInWithUserAgent(userId: string, userAgent: string, executor: Kysely<DB> = db) {
      const row = await executor
        .selectFrom('audit_events')
        .select(sql<number>`1`.as('one'))
        .where('user_id', '=', userId)
        .where('action', 'in', ['auth.login', 'auth.signup'])
        .where('outcome', '=', 'success')
        .where('user_agent', '=', userAgent)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Newest first; `beforeId` is the cursor (an id from the previous page). */
    async listAuditEventsForUser(
      userId: string,
      beforeId: string | null,
      limit: number,
      filter: AuditFilter = {},
    ) {
      let query = db
        .selectFrom('audit_events')
        .select([
          sql<string>`id::text`.as('id'),
          'action',
          'outcome',
          'target_type',
          'target_id',
          'actor_credential_id',
          'actor_kind',
          'ip',
          'user_agent',
          'metadata',
          'created_at',
        ])
        .where('user_id', '=', userId)
        .orderBy('audit_events.id', 'desc')
        .limit(limit);
      if (filter.actions && filter.actions.length > 0) query = query.where('action', 'in', filter.actions);
      if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
      if (beforeId) query = query.where('audit_events.id', '<', sql<string>`${beforeId}::bigint`);
      return query.execute();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
