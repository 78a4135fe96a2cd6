import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPGlite } from './database.ts';
import { WriteCounter } from './pglite-dialect.ts';

/** The embedded store's read cache (ADR 0027): exact because this process is the only writer. */
let store: Database;
beforeAll(async () => {
  store = await openPGlite(undefined);
  await sql`create table things (id int primary key, label text not null)`.execute(store.db);
  await sql`insert into things values (1, 'one'), (2, 'two')`.execute(store.db);
});
afterAll(() => store.close());

const LABEL = 'select id, label from things where id = $1';

describe('embedded read cache', () => {
  it('answers a repeated read from memory until a statement that may write runs', async () => {
    const read = store.prepare<{ id: number; label: string }>('label', LABEL, { embeddedCache: true });
    const first = await read([1]);
    expect(await read([1])).toBe(first);
    expect(await read([2])).not.toBe(first);

    await sql`update things set label = 'uno' where id = 1`.execute(store.db);
    expect((await read([1]))[0]?.label).toBe('uno');

    // A write inside a transaction, and a delete, are seen too.
    await store.db.transaction().execute(async (tx) => {
      await sql`update things set label = 'eins' where id = 1`.execute(tx);
    });
    expect((await read([1]))[0]?.label).toBe('eins');
    await sql`delete from things where id = 2`.execute(store.db);
    expect(await read([2])).toEqual([]);
  });

  it('never keeps a read that overlapped a write', async () => {
    const read = store.prepare<{ label: string }>('label', LABEL, { embeddedCache: true });
    await read([1]);
    // The read is queued behind an open transaction that changes the row and commits.
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = store.db.transaction().execute(async (tx) => {
      await sql`update things set label = 'overlap' where id = 1`.execute(tx);
      inside();
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await entered;
    const during = read([1]);
    await transaction;
    expect((await during)[0]?.label).toBe('overlap');
    expect((await read([1]))[0]?.label).toBe('overlap');
  });

  it('hands out frozen rows, and the uncached form runs every time', async () => {
    const cached = store.prepare<{ label: string }>('label', LABEL, { embeddedCache: true });
    const [row] = await cached([1]);
    expect(Object.isFrozen(row)).toBe(true);
    const plain = store.prepare<{ label: string }>('label', LABEL);
    expect(await plain([1])).not.toBe(await plain([1]));
  });

  it('counts every statement but a plain select as a possible write', () => {
    expect(WriteCounter.mayWrite('  SELECT 1')).toBe(false);
    expect(WriteCounter.mayWrite('select\n id from x')).toBe(false);
    for (const text of [
      'update x set a = 1',
      'with d as (delete from x returning *) select * from d',
      'commit',
      'selectx',
    ])
      expect(WriteCounter.mayWrite(text)).toBe(true);
  });
});
