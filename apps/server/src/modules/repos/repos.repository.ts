import type { Kysely, Selectable } from 'kysely';
import type { DB, ReposTable, TaskGroupsTable, TaskStatus, TasksTable } from '../../schema.ts';

export type RepoRow = Selectable<ReposTable>;
export type TaskGroupRow = Selectable<TaskGroupsTable>;
export type TaskRow = Selectable<TasksTable>;

export function createRepoRepository(db: Kysely<DB>) {
  return {
    async insertRepo(row: RepoRow, executor: Kysely<DB> = db): Promise<RepoRow> {
      return executor.insertInto('repos').values(row).returningAll().executeTakeFirstOrThrow();
    },

    /** The user's repositories, newest first; `onlyIds` limits them (a restricted PAT, ADR 0031). */
    async listReposForOwner(userId: string, onlyIds: string[] | null = null): Promise<RepoRow[]> {
      if (onlyIds !== null && onlyIds.length === 0) return [];
      let query = db
        .selectFrom('repos')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      if (onlyIds !== null) query = query.where('id', 'in', onlyIds);
      return query.execute();
    },

    /** Which of these ids are repositories of the user. */
    async filterOwnedRepoIds(userId: string, ids: string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('repos')
        .select('id')
        .where('user_id', '=', userId)
        .where('id', 'in', ids)
        .execute();
      return rows.map((row) => row.id);
    },

    async findRepoForOwner(
      id: string,
      userId: string,
      executor: Kysely<DB> = db,
      options: { lock?: boolean } = {},
    ): Promise<RepoRow | undefined> {
      let query = executor.selectFrom('repos').selectAll().where('id', '=', id).where('user_id', '=', userId);
      if (options.lock) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async deleteRepoForOwner(id: string, userId: string, executor: Kysely<DB>): Promise<boolean> {
      const deleted = await executor
        .deleteFrom('repos')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returning('id')
        .executeTakeFirst();
      return deleted !== undefined;
    },

    /** Inserts an open task group unless an open one with the same repo, agent and title exists. */
    async insertOpenTaskGroupIfAbsent(
      row: TaskGroupRow,
      executor: Kysely<DB>,
    ): Promise<TaskGroupRow | undefined> {
      return executor
        .insertInto('task_groups')
        .values(row)
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async findOpenTaskGroup(
      repoId: string,
      agentId: string,
      title: string,
      executor: Kysely<DB> = db,
    ): Promise<TaskGroupRow | undefined> {
      return executor
        .selectFrom('task_groups')
        .selectAll()
        .where('repo_id', '=', repoId)
        .where('agent_id', '=', agentId)
        .where((eb) => eb(eb.fn('lower', ['title']), '=', eb.fn('lower', [eb.val(title)])))
        .where('status', '=', 'open')
        .executeTakeFirst();
    },

    async findTaskGroupForOwner(
      id: string,
      userId: string,
      executor: Kysely<DB> = db,
      options: { lock?: boolean } = {},
    ): Promise<TaskGroupRow | undefined> {
      let query = executor
        .selectFrom('task_groups')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId);
      if (options.lock) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async listTaskGroupsForOwner(
      userId: string,
      filter: { repoId?: string; id?: string; repoIds?: string[] | null },
    ): Promise<TaskGroupRow[]> {
      if (filter.repoIds && filter.repoIds.length === 0) return [];
      let query = db
        .selectFrom('task_groups')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      if (filter.repoId) query = query.where('repo_id', '=', filter.repoId);
      if (filter.id) query = query.where('id', '=', filter.id);
      if (filter.repoIds) query = query.where('repo_id', 'in', filter.repoIds);
      return query.execute();
    },

    async closeTaskGroup(id: string, at: Date, executor: Kysely<DB>): Promise<TaskGroupRow | undefined> {
      return executor
        .updateTable('task_groups')
        .set({ status: 'closed', closed_at: at })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst();
    },

    async insertTask(row: TaskRow, executor: Kysely<DB> = db): Promise<TaskRow> {
      return executor.insertInto('tasks').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async findTaskForOwner(
      id: string,
      userId: string,
      executor: Kysely<DB> = db,
    ): Promise<(TaskRow & { repo_id: string }) | undefined> {
      return executor
        .selectFrom('tasks as t')
        .innerJoin('task_groups as g', 'g.id', 't.task_group_id')
        .selectAll('t')
        .select('g.repo_id')
        .where('t.id', '=', id)
        .where('t.user_id', '=', userId)
        .executeTakeFirst();
    },

    async updateTask(
      id: string,
      userId: string,
      changes: { status: TaskStatus; output?: string | null; updated_at: Date },
      executor: Kysely<DB> = db,
    ): Promise<TaskRow | undefined> {
      return executor
        .updateTable('tasks')
        .set(changes)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
    },

    async listTasksOfGroup(taskGroupId: string, userId: string): Promise<TaskRow[]> {
      return db
        .selectFrom('tasks')
        .selectAll()
        .where('task_group_id', '=', taskGroupId)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },
  };
}

export type RepoRepository = ReturnType<typeof createRepoRepository>;
