import {
  type DeleteQueryBuilder,
  type DeleteResult,
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  type StringReference,
  sql,
  type UpdateObject,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import { type NewestFirstCursor, newestFirst } from './newest-first.ts';

/** The tables of `DB` whose rows have a text `id` and a `created_at`. */
type OwnableTable<DB> = {
  [T in keyof DB]: DB[T] extends { id: string; created_at: unknown } ? T : never;
}[keyof DB] &
  string;

/** The text columns of table `T` (those an owner id can be compared with). */
type TextColumn<DB, T extends keyof DB> = {
  [C in keyof DB[T]]: DB[T][C] extends string ? C : never;
}[keyof DB[T]] &
  string;

/**
 * The queries every table with an owner repeats — read, change or delete one row by id, list the
 * owner's rows newest first — each with ownership in the WHERE clause (`where "id" = $1 and
 * "<owner>" = $2`, the text Kysely writes for two `.where` calls), so someone else's row is
 * simply not found. Each returns its query builder: the caller adds what is its own (another
 * condition, a lock, what to return) and runs it; `find` and `updateRow` run the common case
 * themselves (the row, or the row as changed), so a repository can hand them out as they are.
 *
 * TypeScript cannot work out Kysely's builder types while the table name is a type parameter
 * (they are conditional on it), so the builders are given the types Kysely infers for a literal
 * table name (`selectFrom('t').selectAll()`, `updateTable('t')`, `deleteFrom('t')`), and the
 * ordering columns the names `OwnableTable` guarantees.
 */
export function ownedRowQueries<DB, T extends OwnableTable<DB>>(
  db: Kysely<DB>,
  table: T,
  ownerColumn: TextColumn<DB, T>,
) {
  const ownedBy = (ownerId: string) => sql<boolean>`${sql.ref(ownerColumn)} = ${ownerId}`;
  const isOwned = (id: string, ownerId: string) =>
    sql<boolean>`${sql.ref('id')} = ${id} and ${sql.ref(ownerColumn)} = ${ownerId}`;
  const selectAll = (executor: Kysely<DB>) =>
    executor.selectFrom(table).selectAll() as unknown as SelectQueryBuilder<DB, T, Selectable<DB[T]>>;

  const select = (executor: Kysely<DB>, id: string, ownerId: string) =>
    selectAll(executor).where(isOwned(id, ownerId));
  const update = (executor: Kysely<DB>, id: string, ownerId: string, changes: UpdateObject<DB, T>) => {
    const query = executor.updateTable(table) as unknown as UpdateQueryBuilder<DB, T, T, UpdateResult>;
    return query.set(changes).where(isOwned(id, ownerId));
  };

  return {
    select,

    /** The owner's row, or undefined; `lock` holds it (FOR UPDATE) until the transaction ends. */
    async find(
      id: string,
      ownerId: string,
      executor: Kysely<DB> = db,
      options: { lock?: boolean } = {},
    ): Promise<Selectable<DB[T]> | undefined> {
      const query = select(executor, id, ownerId);
      return (options.lock ? query.forUpdate() : query).executeTakeFirst();
    },

    /** The owner's rows, newest first; after `after` (the previous page's last row) when given. */
    list(executor: Kysely<DB>, ownerId: string, after?: NewestFirstCursor) {
      const columns = { createdAt: 'created_at', id: 'id' } as Record<
        'createdAt' | 'id',
        StringReference<DB, T>
      >;
      return newestFirst(selectAll(executor).where(ownedBy(ownerId)), columns, after);
    },

    update,

    /**
     * Changes the owner's row and returns it as changed, or undefined when there is no such row
     * of theirs. `Changes` narrows what a repository lets its callers change
     * (`updateRow<AccountPatch>`).
     */
    async updateRow<Changes extends UpdateObject<DB, T>>(
      id: string,
      ownerId: string,
      changes: Changes,
      executor: Kysely<DB> = db,
    ): Promise<Selectable<DB[T]> | undefined> {
      const row = await update(executor, id, ownerId, changes).returningAll().executeTakeFirst();
      return row as Selectable<DB[T]> | undefined;
    },

    delete(executor: Kysely<DB>, id: string, ownerId: string) {
      const query = executor.deleteFrom(table) as unknown as DeleteQueryBuilder<DB, T, DeleteResult>;
      return query.where(isOwned(id, ownerId));
    },
  };
}
