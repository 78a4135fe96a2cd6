import type { Kysely } from 'kysely';
import type { DB } from '../../schema.ts';

export interface WebSessionRow {
  id: string;
  user_agent: string | null;
  created_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  expires_at: Date | null;
}

export interface AppSignInRow {
  family_id: string;
  client_id: string | null;
  user_agent: string | null;
  /** The family's first token still on file: when the app signed in. */
  signed_in_at: Date | null;
  /** The live refresh token's creation: the sign-in itself or its latest refresh. */
  refreshed_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  expires_at: Date | null;
}

/**
 * A user's sign-ins as the sessions list shows them: live web sessions, and app sign-ins (OAuth
 * refresh-token families whose current refresh token is live). Every query is scoped to the
 * owner in its WHERE clause.
 */
export function createSessionRepository(db: Kysely<DB>) {
  return {
    async listLiveWebSessionsForOwner(ownerId: string, now: Date): Promise<WebSessionRow[]> {
      return db
        .selectFrom('credentials')
        .select(['id', 'user_agent', 'created_at', 'last_used_at', 'last_used_ip', 'expires_at'])
        .where('user_id', '=', ownerId)
        .where('kind', '=', 'session')
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
    },

    async listLiveAppSignInsForOwner(ownerId: string, now: Date): Promise<AppSignInRow[]> {
      const rows = await db
        .selectFrom('credentials as r')
        // The family's most recent use by any of its tokens (in practice its access tokens).
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('credentials as used')
              .select(['used.last_used_at', 'used.last_used_ip'])
              .whereRef('used.family_id', '=', 'r.family_id')
              .where('used.user_id', '=', ownerId)
              .where('used.last_used_at', 'is not', null)
              .orderBy('used.last_used_at', 'desc')
              .limit(1)
              .as('last_use'),
          (join) => join.onTrue(),
        )
        .select((eb) => [
          'r.family_id',
          'r.client_id',
          'r.user_agent',
          'r.created_at as refreshed_at',
          'r.expires_at',
          'last_use.last_used_at',
          'last_use.last_used_ip',
          eb
            .selectFrom('credentials as first')
            .select((inner) => inner.fn.min('first.created_at').as('created_at'))
            .whereRef('first.family_id', '=', 'r.family_id')
            .where('first.user_id', '=', ownerId)
            .as('signed_in_at'),
        ])
        .where('r.user_id', '=', ownerId)
        .where('r.kind', '=', 'refresh')
        .where('r.family_id', 'is not', null)
        .where('r.revoked_at', 'is', null)
        .where('r.expires_at', '>', now)
        .execute();
      return rows.map((row) => ({
        ...row,
        family_id: row.family_id!,
        signed_in_at: row.signed_in_at === null ? null : new Date(row.signed_in_at),
      }));
    },

    /** What a live sign-in id of this owner names: a web session, an app sign-in, or nothing. */
    async findLiveSignInTypeForOwner(
      id: string,
      ownerId: string,
      now: Date,
    ): Promise<'web' | 'app' | undefined> {
      const row = await db
        .selectFrom('credentials')
        .select('kind')
        .where('user_id', '=', ownerId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) =>
          eb.or([
            eb.and([eb('id', '=', id), eb('kind', '=', 'session')]),
            eb.and([eb('family_id', '=', id), eb('kind', '=', 'refresh')]),
          ]),
        )
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      return row.kind === 'session' ? 'web' : 'app';
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
