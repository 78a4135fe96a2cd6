import { describe, expect, it } from 'vitest';
import { useTestStore } from '../../../test/harness.ts';
import { inTransaction } from './transaction.ts';

const ctx = useTestStore();

async function insertUser(tx: Parameters<Parameters<typeof inTransaction>[1]>[0], id: string) {
  await tx
    .insertInto('users')
    .values({ id, email: `${id}@example.test`, name: null, password_hash: 'x', created_at: new Date() })
    .execute();
}

describe('inTransaction after-commit callbacks', () => {
  it('runs every callback even when earlier ones throw or reject, then rejects with the failure', async () => {
    const ran: string[] = [];
    const id = `usr_after_commit_${Date.now()}`;
    const failure = new Error('eviction failed');
    const outcome = inTransaction(ctx.store.db, async (tx) => {
      await insertUser(tx, id);
      tx.afterCommit(() => {
        ran.push('first');
        throw failure;
      });
      tx.afterCommit(() => {
        ran.push('second');
      });
      tx.afterCommit(async () => {
        ran.push('third');
      });
    });
    await expect(outcome).rejects.toBe(failure);
    expect(ran).toEqual(['first', 'second', 'third']);
    // The change itself is committed whatever a callback does.
    expect(
      await ctx.store.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst(),
    ).toEqual({
      id,
    });
  });

  it('waits for every callback, and reports several failures together', async () => {
    const settled: string[] = [];
    const outcome = inTransaction(ctx.store.db, async (tx) => {
      tx.afterCommit(async () => {
        throw new Error('one');
      });
      tx.afterCommit(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        settled.push('slow');
      });
      tx.afterCommit(() => {
        throw new Error('two');
      });
    });
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message).sort()).toEqual(['one', 'two']);
    expect(settled).toEqual(['slow']);
  });

  it('runs none of them when the transaction rolls back', async () => {
    let ran = false;
    const outcome = inTransaction(ctx.store.db, async (tx) => {
      tx.afterCommit(() => {
        ran = true;
      });
      throw new Error('rolled back');
    });
    await expect(outcome).rejects.toThrow('rolled back');
    expect(ran).toBe(false);
  });
});
