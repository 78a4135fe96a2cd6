import type { Kysely, Selectable } from 'kysely';
import type { DB, UsersTable } from '../../schema.ts';

export type UserRow = Selectable<UsersTable>;

export function createAccountRepository(db: Kysely<DB>) {
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
