import type { Kysely, Selectable } from 'kysely';
import { ownedRowQueries } from '../../platform/database/owned-rows.ts';
import type { DB, ReposTable, TaskGroupsTable, TaskStatus, TasksTable } from '../../schema.ts';

export type RepoRow = Selectable<ReposTable>;
export type TaskGroupRow = Selectable<TaskGroupsTable>;
export type TaskRow = Selectable<TasksTable>;
/** What a task's update may change. */
export type TaskChanges = { status: TaskStatus; output?: string | null; updated_at: Date };

export function createRepoRepository(db: Kysely<DB>) {
  const ownedRepos = ownedRowQueries(db, 'repos', 'user_id');
  const ownedGroups = ownedRowQueries(db, 'task_groups', 'user_id');
  const ownedTasks = ownedRowQueries(db, 'tasks', 'user_id');
  return {
    async insertRepo(row: RepoRow, executor: Kysely<DB> = db): Promise<RepoRow> {
      return executor.insertInto('repos').values(row).returningAll().executeTakeFirstOrThrow();
    },

    /** The user's repositories, newest first; `onlyIds` limits them (a restricted PAT, ADR 0031). */
    async listReposForOwner(userId: string, onlyIds: string[] | null = null): Promise<RepoRow[]> {
      if (onlyIds !== null && onlyIds.length === 0) return [];
      let query = ownedRepos.list(db, userId);
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

    findRepoForOwner: ownedRepos.find,

    async deleteRepoForOwner(id: string, userId: string, executor: Kysely<DB>): Promise<boolean> {
      const deleted = await ownedRepos.delete(executor, id, userId).returning('id').executeTakeFirst();
      return deleted !== undefined;
    },

    /**
     * Opens a task group: inserts `draft` (an open group) unless an open one with the same
     * repository, agent and title (case aside) is in the way, and then answers that one, with
     * `inserted` false. Undefined when the one in the way was closed between the insert and the
     * read: the caller starts over.
     */
    async openTaskGroup(
      draft: TaskGroupRow,
      executor: Kysely<DB>,
    ): Promise<{ group: TaskGroupRow; inserted: boolean } | undefined> {
      const inserted = await executor
        .insertInto('task_groups')
        .values(draft)
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { group: inserted, inserted: true };
      const existing = await executor
        .selectFrom('task_groups')
        .selectAll()
        .where('repo_id', '=', draft.repo_id)
        .where('agent_id', '=', draft.agent_id)
        .where((eb) => eb(eb.fn('lower', ['title']), '=', eb.fn('lower', [eb.val(draft.title)])))
        .where('status', '=', 'open')
        .executeTakeFirst();
      return existing && { group: existing, inserted: false };
    },

    findTaskGroupForOwner: ownedGroups.find,

    async listTaskGroupsForOwner(
      userId: string,
      filter: { repoId?: string; id?: string; repoIds?: string[] | null },
    ): Promise<TaskGroupRow[]> {
      if (filter.repoIds && filter.repoIds.length === 0) return [];
      let query = ownedGroups.list(db, userId);
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

    updateTask: ownedTasks.updateRow<TaskChanges>,

    async listTasksOfGroup(taskGroupId: string, userId: string): Promise<TaskRow[]> {
      return ownedTasks.list(db, userId).where('task_group_id', '=', taskGroupId).execute();
    },
  };
}

export type RepoRepository = ReturnType<typeof createRepoRepository>;
