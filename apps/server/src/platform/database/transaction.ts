import type { Transaction } from 'kysely';
import type { DB } from '../../schema.ts';
import type { Db } from './database.ts';

/**
 * A transaction that can schedule work for after COMMIT, such as evicting revoked tokens from
 * this instance's cache (other instances learn through NOTIFY, which PostgreSQL also delivers
 * only after COMMIT). A rolled-back transaction runs none of it. A callback may return a promise:
 * `inTransaction` resolves only once all of them have settled, so the caller answers after them
 * (ADR 0039: a revocation waits for the other instances' acknowledgements). Every callback runs
 * even if an earlier one throws (an eviction must not be skipped because another failed); the
 * change is committed whatever they do, and `inTransaction` then rejects with what failed.
 */
export type AfterCommit = () => void | Promise<void>;
export type Tx = Transaction<DB> & { afterCommit(callback: AfterCommit): void };

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const callbacks: AfterCommit[] = [];
  const result = await db.transaction().execute((trx) => {
    const tx = Object.assign(trx, { afterCommit: (callback: AfterCommit) => void callbacks.push(callback) });
    return work(tx);
  });
  if (callbacks.length > 0) await runAfterCommit(callbacks);
  return result;
}

/** Synchronous parts first, in order (local evictions happen before any wait begins). */
async function runAfterCommit(callbacks: AfterCommit[]): Promise<void> {
  const failures: unknown[] = [];
  const pending: Promise<void>[] = [];
  for (const callback of callbacks) {
    try {
      const outcome = callback();
      if (outcome instanceof Promise)
        pending.push(outcome.catch((error: unknown) => void failures.push(error)));
    } catch (error) {
      failures.push(error);
    }
  }
  if (pending.length > 0) await Promise.all(pending);
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'after-commit callbacks failed');
}
