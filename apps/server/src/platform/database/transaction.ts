import type { Transaction } from 'kysely';
import type { DB } from '../../schema.ts';
import type { Db } from './database.ts';

/**
 * A transaction that can schedule work for after COMMIT, such as evicting revoked tokens from
 * this instance's cache (other instances learn through NOTIFY, which PostgreSQL also delivers
 * only after COMMIT). A rolled-back transaction runs none of it. A callback may return a promise:
 * `inTransaction` resolves only once all of them have settled, so the caller answers after them
 * (ADR 0039: a revocation waits for the other instances' acknowledgements). Callbacks must not
 * throw or reject: the change is committed whatever they do.
 */
export type AfterCommit = () => void | Promise<void>;
export type Tx = Transaction<DB> & { afterCommit(callback: AfterCommit): void };

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const callbacks: AfterCommit[] = [];
  const result = await db.transaction().execute((trx) => {
    const tx = Object.assign(trx, { afterCommit: (callback: AfterCommit) => void callbacks.push(callback) });
    return work(tx);
  });
  // Synchronous parts first, in order (local evictions happen before any wait begins).
  const pending = callbacks
    .map((callback) => callback())
    .filter((r): r is Promise<void> => r instanceof Promise);
  if (pending.length > 0) await Promise.all(pending);
  return result;
}
