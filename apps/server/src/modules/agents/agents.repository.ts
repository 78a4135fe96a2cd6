import { type Kysely, type Selectable, sql } from 'kysely';
import type { AgentFilesTable, AgentsTable, DB } from '../../schema.ts';
import type { AgentCursor } from './agent-cursor.ts';
import { containsPattern } from './agent-rules.ts';

export type AgentRow = Selectable<AgentsTable>;
export type AgentFileRow = Omit<Selectable<AgentFilesTable>, 'size'> & { size: number };

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

export function createAgentRepository(db: Kysely<DB>) {
  return {
    async listAgentIdsOfOwner(ownerId: string, executor: Kysely<DB> = db): Promise<string[]> {
      const rows = await executor.selectFrom('agents').select('id').where('owner_id', '=', ownerId).execute();
      return rows.map((row) => row.id);
    },

    async insertAgent(agent: NewAgent, executor: Kysely<DB> = db): Promise<AgentRow> {
      return executor.insertInto('agents').values(agent).returningAll().executeTakeFirstOrThrow();
    },

    /** An agent the viewer may read: a public one, or one of their own. */
    async findAgentVisibleTo(id: string, viewerId: string): Promise<AgentRow | undefined> {
      return db
        .selectFrom('agents')
        .selectAll()
        .where('id', '=', id)
        .where((eb) => eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', viewerId)]))
        .executeTakeFirst();
    },

    /** `lock` holds the row until the transaction ends, so that a concurrent delete waits. */
    async findAgentForOwner(
      id: string,
      ownerId: string,
      executor: Kysely<DB> = db,
      options: { lock?: boolean } = {},
    ): Promise<AgentRow | undefined> {
      let query = executor
        .selectFrom('agents')
        .selectAll()
        .where('id', '=', id)
        .where('owner_id', '=', ownerId);
      if (options.lock) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async updateAgentForOwner(
      id: string,
      ownerId: string,
      changes: AgentChanges,
      executor: Kysely<DB>,
    ): Promise<AgentRow | undefined> {
      return executor
        .updateTable('agents')
        .set(changes)
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .returningAll()
        .executeTakeFirst();
    },

    async deleteAgentForOwner(
      id: string,
      ownerId: string,
      executor: Kysely<DB>,
    ): Promise<AgentRow | undefined> {
      return executor
        .deleteFrom('agents')
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .returningAll()
        .executeTakeFirst();
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

    async touchAgent(id: string, updatedAt: Date, executor: Kysely<DB>): Promise<void> {
      await executor.updateTable('agents').set({ updated_at: updatedAt }).where('id', '=', id).execute();
    },
  };
}

export type AgentRepository = ReturnType<typeof createAgentRepository>;
