import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import { newestFirst } from '../../platform/database/newest-first.ts';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import type { CredentialKind, CredentialsTable, DB, RotatedOutUse, TaskGroupsTable } from '../../schema.ts';

/** What an owner may change on a personal access token (PATCH /api/account/tokens/{id}). */
export interface PersonalTokenChanges {
  name?: string;
  description?: string | null;
  scopes?: string[];
  on_rotated_out_use?: RotatedOutUse;
  allow_self_rotation?: boolean;
  repo_ids?: string[] | null;
  allowed_cidrs?: string[] | null;
}

export type CredentialRow = Selectable<CredentialsTable>;
export type NewCredentialRow = Omit<
  CredentialRow,
  | 'created_at'
  | 'rotated_at'
  | 'revoked_at'
  | 'revoked_reason'
  | 'last_used_at'
  | 'last_used_ip'
  | 'previous_token_hash'
  | 'previous_valid_until'
  | 'on_rotated_out_use'
  | 'allow_self_rotation'
  | 'repo_ids'
  | 'allowed_cidrs'
> & { created_at: Date } & Partial<
    Pick<CredentialRow, 'on_rotated_out_use' | 'allow_self_rotation' | 'repo_ids' | 'allowed_cidrs'>
  >;

/** An automation token with the task group it acts for (its title and status are shown beside it). */
export type AutomationTokenRow = CredentialRow & {
  task_group_id: string;
  task_group_title: string;
  task_group_status: Selectable<TaskGroupsTable>['status'];
};

/** A live web session as the sessions list shows it. */
export interface WebSessionRow {
  id: string;
  user_agent: string | null;
  created_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  expires_at: Date | null;
}

/** A live app sign-in (an OAuth refresh-token family) as the sessions list shows it. */
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
 * Which credentials a revocation takes: named by id or by owner (never "everyone"), then
 * narrowed by the other fields.
 */
export type RevocationFilter = {
  familyId?: string;
  kinds?: CredentialKind[];
  taskGroupId?: string;
  /** Leave these ids alone (the caller's own session when ending the others). */
  exceptIds?: string[];
  /** Leave this family alone (the caller's own app sign-in when ending the others). */
  exceptFamilyId?: string;
} & ({ ids: string[]; userId?: string } | { userId: string; ids?: string[] });

/** What a revocation reports about each credential it revoked. */
export interface RevokedCredential {
  id: string;
  user_id: string;
  kind: CredentialKind;
  family_id: string | null;
  expires_at: Date | null;
  name: string | null;
  preview: string;
}

export interface ActiveCredentialLookup {
  id: string;
  user_id: string;
  kind: CredentialKind;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  family_id: string | null;
  task_group_id: string | null;
  client_id: string | null;
  /** Which of the row's secrets the looked-up hash is: the current one or the one a rotation replaced. */
  token_hash: string;
  previous_valid_until: Date | null;
  on_rotated_out_use: RotatedOutUse;
  repo_ids: string[] | null;
  allowed_cidrs: string[] | null;
  /** The owner's profile, read in the same statement: a request that missed the cache needs no second read of it. */
  owner_email: string;
  owner_name: string | null;
  owner_created_at: Date;
}

/**
 * The verifier's cache-miss lookup, written once as SQL (ADR 0022): no query building per
 * request, and a named prepared statement on PostgreSQL (parsed and planned once per connection).
 */
const ACTIVE_CREDENTIAL_BY_HASH = `
  select c.id, c.user_id, c.kind, c.scopes, c.expires_at, c.revoked_at, c.family_id, c.task_group_id, c.client_id,
    c.token_hash, c.previous_valid_until, c.on_rotated_out_use, c.repo_ids, c.allowed_cidrs,
    u.email as owner_email, u.name as owner_name, u.created_at as owner_created_at
  from credentials c join users u on u.id = c.user_id
  where c.token_hash = $1 or c.previous_token_hash = $1`;

/**
 * `prepare` (the store's, `Database.prepare`) runs the hot lookup as a prepared statement;
 * without it (tools and tests that hold only a Kysely instance) the same query goes through Kysely.
 */
/**
 * What a store lookup of a secret returns (the verifier's record), from `credentials as c` joined
 * with `users as u`: one list, so every lookup (by current, previous or rotated-out hash) returns
 * the same record. `previous_valid_until` depends on the lookup and is added by each.
 */
const LOOKUP_COLUMNS = [
  'c.id',
  'c.user_id',
  'c.kind',
  'c.scopes',
  'c.expires_at',
  'c.revoked_at',
  'c.family_id',
  'c.task_group_id',
  'c.client_id',
  'c.token_hash',
  'c.on_rotated_out_use',
  'c.repo_ids',
  'c.allowed_cidrs',
  'u.email as owner_email',
  'u.name as owner_name',
  'u.created_at as owner_created_at',
] as const;

export function createCredentialRepository(db: Kysely<DB>, prepare?: Database['prepare']) {
  const activeByHash = prepare?.<ActiveCredentialLookup>(
    'active_credential_by_hash',
    ACTIVE_CREDENTIAL_BY_HASH,
  );
  const selectCredentials = (executor: Kysely<DB>) => executor.selectFrom('credentials').selectAll();
  const owned = ownedRowQueries(db, 'credentials', 'user_id');
  /** A repository's automation tokens with their task group, both the user's own. */
  const automationTokensOfRepo = (executor: Kysely<DB>, repoId: string, userId: string) =>
    executor
      .selectFrom('credentials as c')
      .innerJoin('task_groups as g', 'g.id', 'c.task_group_id')
      .selectAll('c')
      .select(['g.title as task_group_title', 'g.status as task_group_status'])
      .where('c.kind', '=', 'automation')
      .where('c.user_id', '=', userId)
      .where('g.repo_id', '=', repoId)
      .where('g.user_id', '=', userId);
  return {
    /**
     * Live PATs whose expiry falls in [from, to): the notices expiry scan. Served by the partial
     * index credentials_live_pat_expiry_idx (migration 0015); `kind` is a literal, not a
     * parameter, so the planner can prove the index's predicate even in a generic plan.
     */
    async listPersonalTokensExpiringBetween(from: Date, to: Date) {
      return db
        .selectFrom('credentials')
        .select(['id', 'user_id', 'name', 'preview', 'expires_at'])
        .where('kind', '=', sql.lit('personal'))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>=', from)
        .where('expires_at', '<', to)
        .execute() as Promise<
        Array<{ id: string; user_id: string; name: string | null; preview: string; expires_at: Date }>
      >;
    },

    /**
     * Housekeeping for the short-lived interactive kinds (sessions, access and refresh tokens):
     * rows that expired before `cutoff` can never authenticate again. PATs and automation tokens
     * stay, so their owners still see them as expired; audit events keep only ids, so none is lost.
     */
    async deleteInteractiveExpiredBefore(cutoff: Date): Promise<number> {
      const result = await db
        .deleteFrom('credentials')
        .where('kind', 'in', ['session', 'access', 'refresh'])
        .where('expires_at', '<', cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async insertCredential(row: NewCredentialRow, executor: Kysely<DB> = db): Promise<CredentialRow> {
      return executor.insertInto('credentials').values(row).returningAll().executeTakeFirstOrThrow();
    },

    /**
     * The hot path's one query: the credential for a token hash, with its owner's profile. The
     * hash may be the current secret's or the one the last rotation replaced (ADR 0029); older
     * rotated-out secrets are looked up only on a miss (`findCredentialByRotatedOutHash`).
     */
    async findCredentialByHash(tokenHash: string): Promise<ActiveCredentialLookup | undefined> {
      if (activeByHash) return (await activeByHash([tokenHash]))[0];
      return db
        .selectFrom('credentials as c')
        .innerJoin('users as u', 'u.id', 'c.user_id')
        .where((eb) =>
          eb.or([eb('c.token_hash', '=', tokenHash), eb('c.previous_token_hash', '=', tokenHash)]),
        )
        .select([...LOOKUP_COLUMNS, 'c.previous_valid_until'])
        .executeTakeFirst();
    },

    /**
     * A page of every credential's filter keys (the first 16 hex characters of a hash), by id:
     * its current secret's and the one its last rotation replaced (which may still verify).
     */
    async listHashKeysAfter(
      afterId: string,
      limit: number,
    ): Promise<Array<{ id: string; key: string; previous_key: string | null }>> {
      return db
        .selectFrom('credentials')
        .select([
          'id',
          sql<string>`substr(token_hash, 1, 16)`.as('key'),
          sql<string | null>`substr(previous_token_hash, 1, 16)`.as('previous_key'),
        ])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** The filter keys of the secrets rotated out since `since` (their replays must reach the store). */
    async listRotatedOutKeysSince(since: Date): Promise<string[]> {
      const rows = await db
        .selectFrom('credential_rotated_out_secrets')
        .select(sql<string>`substr(token_hash, 1, 16)`.as('key'))
        .where('rotated_out_at', '>', since)
        .execute();
      return rows.map((row) => row.key);
    },

    /**
     * The credential a secret rotated out since `since` belonged to (not the last rotation's: that
     * one `findCredentialByHash` finds). Such a secret never verifies: no overlap is reported.
     */
    async findCredentialByRotatedOutHash(
      tokenHash: string,
      since: Date,
    ): Promise<ActiveCredentialLookup | undefined> {
      return db
        .selectFrom('credential_rotated_out_secrets as r')
        .innerJoin('credentials as c', 'c.id', 'r.credential_id')
        .innerJoin('users as u', 'u.id', 'c.user_id')
        .where('r.token_hash', '=', tokenHash)
        .where('r.rotated_out_at', '>', since)
        .select([...LOOKUP_COLUMNS, sql<Date | null>`null`.as('previous_valid_until')])
        .executeTakeFirst();
    },

    /** Forgets secrets rotated out before `cutoff` (past the replay window). */
    async deleteRotatedOutSecretsBefore(cutoff: Date): Promise<number> {
      const result = await db
        .deleteFrom('credential_rotated_out_secrets')
        .where('rotated_out_at', '<', cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async findCredentialRowByHash(
      tokenHash: string,
      executor: Kysely<DB> = db,
    ): Promise<CredentialRow | undefined> {
      return selectCredentials(executor).where('token_hash', '=', tokenHash).executeTakeFirst();
    },

    async findCredentialsByHashes(tokenHashes: string[]): Promise<CredentialRow[]> {
      if (tokenHashes.length === 0) return [];
      return selectCredentials(db).where('token_hash', 'in', tokenHashes).execute();
    },

    /**
     * The live credentials (not revoked, not expired) any of these hashes authenticates: the
     * current secret, or a replaced one still in its rotation overlap (revoke by value).
     */
    async findLiveCredentialsBySecretHashes(tokenHashes: string[], at: Date): Promise<CredentialRow[]> {
      if (tokenHashes.length === 0) return [];
      return selectCredentials(db)
        .where((eb) =>
          eb.or([
            eb('token_hash', 'in', tokenHashes),
            eb.and([eb('previous_token_hash', 'in', tokenHashes), eb('previous_valid_until', '>', at)]),
          ]),
        )
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
        .execute();
    },

    async findCredentialById(id: string, executor: Kysely<DB> = db): Promise<CredentialRow | undefined> {
      return selectCredentials(executor).where('id', '=', id).executeTakeFirst();
    },

    /**
     * Marks credentials revoked and returns the ids that changed. Already-revoked rows keep
     * their first revocation time and reason.
     */
    async revokeCredentials(
      executor: Kysely<DB>,
      filter: RevocationFilter,
      reason: string,
      at: Date,
    ): Promise<RevokedCredential[]> {
      // The type says so too: a filter without either would revoke every credential of everyone.
      if (filter.ids === undefined && !filter.userId) {
        throw new Error('revokeCredentials needs ids or a userId');
      }
      let query = executor
        .updateTable('credentials')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('revoked_at', 'is', null);
      if (filter.ids) {
        if (filter.ids.length === 0) return [];
        query = query.where('id', 'in', filter.ids);
      }
      if (filter.familyId) query = query.where('family_id', '=', filter.familyId);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      if (filter.kinds) query = query.where('kind', 'in', filter.kinds);
      if (filter.taskGroupId) query = query.where('task_group_id', '=', filter.taskGroupId);
      if (filter.exceptIds && filter.exceptIds.length > 0)
        query = query.where('id', 'not in', filter.exceptIds);
      if (filter.exceptFamilyId) query = query.where('family_id', 'is distinct from', filter.exceptFamilyId);
      return query
        .returning(['id', 'user_id', 'kind', 'family_id', 'expires_at', 'name', 'preview'])
        .execute();
    },

    /**
     * Gives a live credential a new secret in place: same id and settings, new hash. The replaced
     * hash is kept as the previous secret, valid until `previous_valid_until` (ADR 0029), and
     * among the rotated-out secrets, where it stays after later rotations (replay detection).
     */
    async replaceCredentialSecret(
      executor: Kysely<DB>,
      id: string,
      secret: {
        token_hash: string;
        preview: string;
        expires_at: Date | null;
        rotated_at: Date;
        previous_valid_until: Date;
      },
    ): Promise<CredentialRow | undefined> {
      await executor
        .insertInto('credential_rotated_out_secrets')
        .columns(['token_hash', 'credential_id', 'rotated_out_at'])
        .expression((eb) =>
          eb
            .selectFrom('credentials')
            .select(['token_hash', 'id', eb.val(secret.rotated_at).as('rotated_out_at')])
            .where('id', '=', id)
            .where('revoked_at', 'is', null),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
      return (
        executor
          .updateTable('credentials')
          // Every right-hand side reads the row as it was: the previous hash is the one replaced.
          .set({ ...secret, previous_token_hash: sql<string>`token_hash` })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .returningAll()
          .executeTakeFirst()
      );
    },

    /**
     * Ends a rotation's overlap now (the new secret was used): the previous secret stops
     * verifying. Only one caller wins, on any instance; the others get undefined. The row is
     * locked before the time is read: a concurrent caller that read its clock a moment before the
     * winner committed would otherwise still see an overlap running and end it a second time.
     */
    async endRotationOverlap(
      executor: Kysely<DB>,
      id: string,
      now: () => Date,
    ): Promise<Pick<CredentialRow, 'id' | 'user_id' | 'kind' | 'name'> | undefined> {
      await executor.selectFrom('credentials').select('id').where('id', '=', id).forUpdate().execute();
      const at = now();
      return executor
        .updateTable('credentials')
        .set({ previous_valid_until: at })
        .where('id', '=', id)
        .where('previous_token_hash', 'is not', null)
        .where('previous_valid_until', '>', at)
        .returning(['id', 'user_id', 'kind', 'name'])
        .executeTakeFirst();
    },

    /** Sends an invalidation to every instance; delivered only if the transaction commits. */
    async notify(executor: Kysely<DB>, channel: string, payload: string): Promise<void> {
      await sql`select pg_notify(${channel}, ${payload})`.execute(executor);
    },

    // --- Personal access tokens (the tokens feature) ---------------------------------------

    /** A user's manual PATs, newest first; automation tokens never appear here. */
    async listPersonalTokensForOwner(ownerId: string): Promise<CredentialRow[]> {
      return owned.list(db, ownerId).where('kind', '=', 'personal').execute();
    },

    async findPersonalTokenForOwner(
      id: string,
      ownerId: string,
      executor: Kysely<DB> = db,
    ): Promise<CredentialRow | undefined> {
      return owned.select(executor, id, ownerId).where('kind', '=', 'personal').executeTakeFirst();
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
      changes: PersonalTokenChanges,
      executor: Kysely<DB>,
    ): Promise<CredentialRow | undefined> {
      return owned
        .update(executor, id, ownerId, changes)
        .where('kind', '=', 'personal')
        .returningAll()
        .executeTakeFirst();
    },

    // --- Sign-ins (the sessions list): every query scoped to the owner in its WHERE clause --

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

    /** App sign-ins: OAuth refresh-token families whose current refresh token is live. */
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
        family_id: row.family_id!, // safe: the query keeps only rows with a family
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

    // --- Automation tokens (the repos feature): read with the task group they act for -------

    /**
     * The current automation token of a task group: the live one (a unique index allows at most
     * one), else the newest revoked one (ADR 0024: a group may be given a new token).
     */
    async findAutomationTokenOfGroup(
      taskGroupId: string,
      executor: Kysely<DB> = db,
    ): Promise<CredentialRow | undefined> {
      return selectCredentials(executor)
        .where('kind', '=', 'automation')
        .where('task_group_id', '=', taskGroupId)
        .orderBy(sql`revoked_at is null`, 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** A repository's automation tokens (never PATs), newest first, with their task group. */
    async listAutomationTokensOfRepo(
      repoId: string,
      userId: string,
      executor: Kysely<DB> = db,
    ): Promise<AutomationTokenRow[]> {
      const rows = await newestFirst(automationTokensOfRepo(executor, repoId, userId), {
        createdAt: 'c.created_at',
        id: 'c.id',
      }).execute();
      return rows as AutomationTokenRow[];
    },

    async findAutomationTokenOfRepo(
      tokenId: string,
      repoId: string,
      userId: string,
      executor: Kysely<DB> = db,
    ): Promise<AutomationTokenRow | undefined> {
      const row = await automationTokensOfRepo(executor, repoId, userId)
        .where('c.id', '=', tokenId)
        .executeTakeFirst();
      return row as AutomationTokenRow | undefined;
    },
  };
}

export type CredentialRepository = ReturnType<typeof createCredentialRepository>;
