import type { Transaction } from 'kysely';
import type { DB } from '../../schema.ts';
import type { Db } from './database.ts';

/**
 * A transaction that can schedule work for after COMMIT, such as evicting revoked tokens from
 * this instance's cache (other instances learn through NOTIFY, which PostgreSQL also delivers
 * only after COMMIT). A rolled-back transaction runs none of it.
 */
export type Tx = Transaction<DB> & { afterCommit(callback: () => void): void };

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const callbacks: Array<() => void> = [];
  const result = await db.transaction().execute((trx) => {
    const tx = Object.assign(trx, { afterCommit: (callback: () => void) => void callbacks.push(callback) });
    return work(tx);
  });
  for (const callback of callbacks) callback();
  return result;
}
