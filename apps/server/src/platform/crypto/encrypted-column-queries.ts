import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../../schema.ts';
import type { Tx } from '../database/transaction.ts';

type TableWithId = { [T in keyof DB]: DB[T] extends { id: string } ? T : never }[keyof DB] & string;

/** The columns of table `T` that hold text (a secret-cipher envelope is one). */
type TextColumn<T extends keyof DB> = {
  [C in keyof Selectable<DB[T]>]: Selectable<DB[T]>[C] extends string ? C : never;
}[keyof Selectable<DB[T]>] &
  string;

/**
 * The queries a key rotation runs on one column of secret-cipher envelopes (`v1|keyId|…`): which
 * keys the stored values are under, the rows not yet under the current key, and a swap that
 * only happens when nobody changed the value meanwhile. `select` names what else a row needs
 * (what its additional authenticated data is made of). A repository hands the whole of it out
 * as its column's description: it is the `EncryptedColumn` that `reencryptInBatches` rotates.
 */
export function encryptedColumnQueries<
  T extends TableWithId,
  C extends TextColumn<T>,
  S extends keyof Selectable<DB[T]> & string,
>(db: Kysely<DB>, table: T, column: C, select: readonly S[]) {
  type Row = { id: string } & Pick<Selectable<DB[T]>, C | S>;
  const from = sql.table(table);
  const keyIdOfValue = sql<string>`split_part(${sql.ref(column)}, '|', 2)`;

  /** How many values each key id encrypts. */
  const countByKeyId = async (): Promise<Array<{ key_id: string; count: number }>> => {
    const { rows } = await sql<{ key_id: string; count: string }>`
      select ${keyIdOfValue} as key_id, count(*)::text as count from ${from} group by ${keyIdOfValue}
    `.execute(db);
    return rows.map((r) => ({ key_id: r.key_id, count: Number(r.count) }));
  };

  return {
    countByKeyId,

    /** How many values are under a key other than `keyId`. */
    async countNotUnderKey(keyId: string): Promise<number> {
      return (await countByKeyId()).filter((k) => k.key_id !== keyId).reduce((n, k) => n + k.count, 0);
    },

    /** The stored value of a row. */
    ciphertextOf(row: Row): string {
      return row[column] as string;
    },

    /** A batch of rows whose value is not under `currentKeyId`, in id order after `afterId`. */
    async listNotUnderKey(currentKeyId: string, afterId: string | null, limit: number): Promise<Row[]> {
      const columns = sql.join([...new Set(['id', ...select, column])].map((name) => sql.ref(name)));
      const after = afterId === null ? sql`` : sql`and id > ${afterId}`;
      const { rows } = await sql<Row>`
        select ${columns} from ${from}
        where ${keyIdOfValue} <> ${currentKeyId} ${after}
        order by id limit ${limit}
      `.execute(db);
      return rows;
    },

    /** Swaps one value for another, only if it is still `expected`; false when the row changed meanwhile. */
    async replace(
      id: string,
      expected: string,
      replacement: string,
      executor: Kysely<DB> | Tx = db,
    ): Promise<boolean> {
      const { rows } = await sql<{ id: string }>`
        update ${from} set ${sql.ref(column)} = ${replacement}
        where id = ${id} and ${sql.ref(column)} = ${expected}
        returning id
      `.execute(executor);
      return rows.length > 0;
    },
  };
}
