import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import type { DB, UsersTable } from '../../schema.ts';

export type UserRow = Selectable<UsersTable>;

/**
 * `prepare` (the store's) runs the per-request user read (`GET /api/me`) as SQL written once, a
 * named prepared statement on PostgreSQL (ADR 0022); without it the read goes through Kysely.
 */
export function createAccountRepository(db: Kysely<DB>, prepare?: Database['prepare']) {
  const userById = prepare?.<UserRow>('user_by_id', 'select * from users where id = $1');
  return {
    async insertUser(
      user: Pick<UserRow, 'id' | 'email' | 'name' | 'password_hash' | 'created_at'>,
      executor: Kysely<DB> = db,
    ): Promise<UserRow> {
      return executor.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
    },

    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    },

    async findUserById(id: string, executor: Kysely<DB> = db): Promise<UserRow | undefined> {
      if (userById && executor === db) return (await userById([id]))[0];
      return executor.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async updatePasswordHash(id: string, passwordHash: string, executor: Kysely<DB> = db): Promise<void> {
      await executor.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },

    async updateUserName(
      id: string,
      name: string | null,
      executor: Kysely<DB> = db,
    ): Promise<UserRow | undefined> {
      return executor
        .updateTable('users')
        .set({ name })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async deleteUser(id: string, executor: Kysely<DB>): Promise<void> {
      await executor.deleteFrom('users').where('id', '=', id).execute();
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
