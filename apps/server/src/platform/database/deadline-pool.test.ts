import { afterEach, describe, expect, it } from 'vitest';
import { DeadlinePool } from './deadline-pool.ts';

// The pool's deadline against the real server: PGlite has no pool.
const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('DeadlinePool (PostgreSQL)', () => {
  let pool: DeadlinePool | undefined;
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  function open(max: number, connectionTimeoutMillis: number) {
    pool = new DeadlinePool({ connectionString: url, max, connectionTimeoutMillis });
    return pool;
  }

  async function warm(p: DeadlinePool, clients: number) {
    const held = await Promise.all(Array.from({ length: clients }, () => p.connect()));
    for (const client of held) client.release();
    expect(p.idleCount).toBe(clients);
  }

  it('still refuses a checkout at its deadline when every client is busy', async () => {
    const p = open(1, 150);
    await warm(p, 1);
    const busy = p.query('select pg_sleep(1.5)');
    const started = performance.now();
    await expect(p.query('select 1')).rejects.toThrow(/timeout exceeded when trying to connect/);
    expect(performance.now() - started).toBeLessThan(1_200);
    await busy;
    // The deadline setting is intact for the next waiter.
    expect(p.options.connectionTimeoutMillis).toBe(150);
  });

  it('times a checkout queued behind others for the idle clients left, and serves every one', async () => {
    const p = open(2, 150);
    await warm(p, 2);
    const busy = p.query('select pg_sleep(1.5)');
    // One idle client, three checkouts at once: the first takes it, the other two wait their turn.
    const quick = await Promise.all([1, 2, 3].map((n) => p.query('select $1::int as n', [n])));
    expect(quick.map((result) => result.rows[0].n)).toEqual([1, 2, 3]);
    const blocked = p.query('select pg_sleep(1.5)');
    // Both clients busy now: a further checkout has a deadline again.
    await expect(p.query('select 1')).rejects.toThrow(/timeout exceeded when trying to connect/);
    await Promise.all([busy, blocked]);
  });

  it('serves checkouts from idle clients, by promise and by callback', async () => {
    const p = open(3, 150);
    await warm(p, 3);
    const client = await p.connect();
    expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
    client.release();
    const viaCallback = await new Promise<number>((resolve, reject) =>
      p.connect((error, c, release) => {
        if (error || !c) return reject(error);
        c.query('select 2 as two')
          .then((result) => resolve(result.rows[0].two))
          .catch(reject)
          .finally(() => release());
      }),
    );
    expect(viaCallback).toBe(2);
    expect(p.options.connectionTimeoutMillis).toBe(150);
  });
});
