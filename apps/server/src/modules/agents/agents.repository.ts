import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import type { AgentFilesTable, AgentsTable, DB } from '../../schema.ts';
import type { AgentCursor } from './agent-cursor.ts';
import { containsPattern } from './agent-rules.ts';

export type AgentRow = Selectable<AgentsTable>;
export type AgentFileRow = Omit<Selectable<AgentFilesTable>, 'size'> & { size: number };
/** What an agent's answer shows of each of its files. */
export type AgentFileSummary = Pick<AgentFileRow, 'id' | 'name' | 'size' | 'sha256'>;

export type NewAgent = Omit<AgentRow, 'tags'> & { tags: string[] };
export type AgentChanges = Partial<
  Pick<AgentRow, 'name' | 'description' | 'category' | 'framework' | 'tags' | 'visibility'>
> & { updated_at: Date };

export interface AgentFilters {
  q?: string | undefined;
  category?: string | undefined;
  tag?: string | undefined;
  /** Only agents owned by the viewer. */
  mine?: boolean | undefined;
}

function toFileRow(row: Selectable<AgentFilesTable>): AgentFileRow {
  return { ...row, size: Number(row.size) };
}

/**
 * The hot read (`GET /api/agents/{id}`): the agent and its files in one statement and one round
 * trip, written once as SQL text (ADR 0022). Files come back as JSON, oldest first, with what the
 * answer shows of them.
 */
const AGENT_VISIBLE_WITH_FILES = `
  select a.id, a.owner_id, a.name, a.description, a.category, a.framework, a.tags, a.visibility,
         a.created_at, a.updated_at,
         coalesce((select json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'sha256', f.sha256)
                                   order by f.created_at, f.id)
                   from agent_files f where f.agent_id = a.id), '[]'::json) as files
  from agents a
  where a.id = $1 and (a.visibility = 'public' or a.owner_id = $2)`;

/** `size` is a bigint column, but inside json_build_object it is a JSON number: no coercion needed. */
type AgentWithFilesRow = AgentRow & { files: AgentFileSummary[] };

export function createAgentRepository(db: Kysely<DB>, prepare: Database['prepare']) {
  // On the embedded store the answer is kept until the next write (ADR 0027).
  const agentVisibleWithFiles = prepare<AgentWithFilesRow>(
    'agent_visible_with_files',
    AGENT_VISIBLE_WITH_FILES,
    { embeddedCache: true },
  );
  const owned = ownedRowQueries(db, 'agents', 'owner_id');
  return {
    /** An agent the viewer may read (a public one, or one of their own) with its files, in one statement. */
    async findAgentWithFilesVisibleTo(
      id: string,
      viewerId: string,
    ): Promise<{ agent: AgentRow; files: AgentFileSummary[] } | undefined> {
      const [row] = await agentVisibleWithFiles([id, viewerId]);
      if (!row) return undefined;
      // The row is the agent (its `files` member rides along unread): no copy per request.
      return { agent: row, files: row.files };
    },

    async listAgentIdsOfOwner(ownerId: string, executor: Kysely<DB> = db): Promise<string[]> {
      const rows = await executor.selectFrom('agents').select('id').where('owner_id', '=', ownerId).execute();
      return rows.map((row) => row.id);
    },

    async insertAgent(agent: NewAgent, executor: Kysely<DB> = db): Promise<AgentRow> {
      return executor.insertInto('agents').values(agent).returningAll().executeTakeFirstOrThrow();
    },

    /** `lock` holds the row until the transaction ends, so that a concurrent delete waits. */
    findAgentForOwner: owned.find,

    async updateAgentForOwner(
      id: string,
      ownerId: string,
      changes: AgentChanges,
      executor: Kysely<DB>,
    ): Promise<AgentRow | undefined> {
      return owned.update(executor, id, ownerId, changes).returningAll().executeTakeFirst();
    },

    async deleteAgentForOwner(
      id: string,
      ownerId: string,
      executor: Kysely<DB>,
    ): Promise<AgentRow | undefined> {
      return owned.delete(executor, id, ownerId).returningAll().executeTakeFirst();
    },

    /**
     * Agents the viewer may read, newest first (created_at desc, id desc), starting strictly
     * after `after`. Asks for `limit` rows; the caller asks for one more to learn whether a next page exists.
     */
    async listAgentsVisibleTo(
      viewerId: string,
      filters: AgentFilters,
      after: AgentCursor | null,
      limit: number,
    ): Promise<AgentRow[]> {
      let query = db.selectFrom('agents').selectAll();
      query = filters.mine
        ? query.where('owner_id', '=', viewerId)
        : query.where((eb) => eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', viewerId)]));
      if (filters.q) {
        const pattern = containsPattern(filters.q);
        query = query.where(
          sql<boolean>`(name ilike ${pattern} escape '\\' or description ilike ${pattern} escape '\\')`,
        );
      }
      if (filters.category) query = query.where('category', '=', filters.category);
      if (filters.tag) query = query.where(sql<boolean>`tags @> array[${filters.tag}]::text[]`);
      if (after) {
        query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id})`);
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },

    /** The names of those of `ids` the viewer may read (their own or public). */
    async listAgentNamesVisibleTo(
      viewerId: string,
      ids: string[],
    ): Promise<Array<{ id: string; name: string }>> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('agents')
        .select(['id', 'name'])
        .where('id', 'in', ids)
        .where((eb) => eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', viewerId)]))
        .execute();
    },

    /** The files of each agent, oldest first. */
    async listFilesForAgents(agentIds: string[], executor: Kysely<DB> = db): Promise<AgentFileRow[]> {
      if (agentIds.length === 0) return [];
      const rows = await executor
        .selectFrom('agent_files')
        .selectAll()
        .where('agent_id', 'in', agentIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toFileRow);
    },

    async insertAgentFile(file: AgentFileRow, executor: Kysely<DB>): Promise<AgentFileRow> {
      const row = await executor
        .insertInto('agent_files')
        .values(file)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toFileRow(row);
    },

    /** Bytes of every file of every agent the owner has. */
    async sumFileSizesOfOwner(ownerId: string, executor: Kysely<DB> = db): Promise<number> {
      const row = await executor
        .selectFrom('agent_files')
        .innerJoin('agents', 'agents.id', 'agent_files.agent_id')
        .select(sql<string>`coalesce(sum(agent_files.size), 0)`.as('used'))
        .where('agents.owner_id', '=', ownerId)
        .executeTakeFirstOrThrow();
      return Number(row.used);
    },

    /**
     * Serialises the owner's quota checks until the transaction ends (a transaction-scoped
     * advisory lock keyed by the owner), so concurrent uploads cannot both fit into the same room.
     */
    async lockOwnerStorage(ownerId: string, executor: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`agent-storage:${ownerId}`}, 0))`.execute(
        executor,
      );
    },

    async touchAgent(id: string, updatedAt: Date, executor: Kysely<DB>): Promise<void> {
      await executor.updateTable('agents').set({ updated_at: updatedAt }).where('id', '=', id).execute();
    },
  };
}

export type AgentRepository = ReturnType<typeof createAgentRepository>;
