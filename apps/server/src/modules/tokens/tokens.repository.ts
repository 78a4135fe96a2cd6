import { type Kysely, sql } from 'kysely';
import type { DB, RotatedOutUse } from '../../schema.ts';
import type { CredentialRow } from '../credentials/credentials.repository.ts';

export function createTokenRepository(db: Kysely<DB>) {
  return {
    /** A user's manual PATs, newest first; automation tokens never appear here. */
    async listPersonalTokensForOwner(ownerId: string): Promise<CredentialRow[]> {
      return db
        .selectFrom('credentials')
        .selectAll()
        .where('user_id', '=', ownerId)
        .where('kind', '=', 'personal')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    async findPersonalTokenForOwner(
      id: string,
      ownerId: string,
      executor: Kysely<DB> = db,
    ): Promise<CredentialRow | undefined> {
      return executor
        .selectFrom('credentials')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', ownerId)
        .where('kind', '=', 'personal')
        .executeTakeFirst();
    },

    /** The presenting token's own row (self-rotation); the caller checks its kind. */
    async findCredentialById(id: string): Promise<CredentialRow | undefined> {
      return db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The source networks a token was used from, most recently seen first (ADR 0031). */
    async listNetworksOfToken(id: string) {
      return db
        .selectFrom('credential_networks')
        .select(['network', 'first_seen_at', 'last_seen_at', 'last_ip', 'uses'])
        .where('credential_id', '=', id)
        .orderBy('last_seen_at', 'desc')
        .orderBy('network')
        .execute();
    },

    /** Uses per scope since a UTC day (inclusive), with the last day each was used. */
    async sumScopeUsesSince(id: string, sinceDay: string) {
      return db
        .selectFrom('credential_scope_usage_daily')
        .select(({ fn }) => [
          'scope',
          fn.sum<string | number>('uses').as('uses'),
          sql<string>`max(day)::text`.as('last_used_on'),
        ])
        .where('credential_id', '=', id)
        .where('day', '>=', sinceDay)
        .groupBy('scope')
        .execute();
    },

    async updatePersonalToken(
      id: string,
      ownerId: string,
      changes: {
        name?: string;
        description?: string | null;
        scopes?: string[];
        on_rotated_out_use?: RotatedOutUse;
        allow_self_rotation?: boolean;
        repo_ids?: string[] | null;
        allowed_cidrs?: string[] | null;
      },
      executor: Kysely<DB>,
    ): Promise<CredentialRow | undefined> {
      return executor
        .updateTable('credentials')
        .set(changes)
        .where('id', '=', id)
        .where('user_id', '=', ownerId)
        .where('kind', '=', 'personal')
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
