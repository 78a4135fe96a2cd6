import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import {
  bearer,
  buildTestApp,
  createTestStore,
  signUp,
  storeKind,
  type TestStore,
} from '../../../test/harness.ts';
import { type Database, openPostgres } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { App } from '../../platform/http/schemas.ts';

/**
 * Two server instances on one store. On PostgreSQL each has its own pool and LISTEN
 * connection, as separate processes would; on PGlite they share the embedded database.
 */
let store: TestStore;
let secondConnection: Database | undefined;
let a: App;
let b: App;

beforeAll(async () => {
  store = await createTestStore();
  a = await buildTestApp(store);
  secondConnection = storeKind === 'postgres' ? await openPostgres(store.url!) : undefined;
  b = await buildTestApp(secondConnection ?? store);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await secondConnection?.close();
  await store.destroy();
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('revocation across instances', () => {
  it('a token revoked on A is refused on B within 1 s, although B had it cached', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    // B verifies (and caches) the token.
    for (let i = 0; i < 3; i++)
      expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const revoke = await a.inject({
      method: 'DELETE',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(revoke.statusCode).toBe(204);
    // A refuses on the very next request.
    expect((await a.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
    const elapsed = await until(
      async () => (await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode === 401,
      1_000,
    );
    expect(elapsed).toBeLessThan(1_000);
  });

  it('rotation on A kills the old secret on B', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const rotated = await a.inject({
      method: 'POST',
      url: `/api/account/tokens/${token.id}/rotate`,
      headers: { cookie: user.cookie },
    });
    await until(
      async () => (await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode === 401,
      1_000,
    );
    expect((await b.inject({ url: '/api/me', headers: bearer(rotated.json().secret) })).statusCode).toBe(200);
  });

  it('a revoke that rolls back invalidates nothing: the token stays valid everywhere', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    await expect(
      inTransaction(store.db, async (tx) => {
        await a.credentials.revokeCredentials(tx, { ids: [token.id] }, 'test');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await a.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
  });
});

describe.runIf(storeKind === 'postgres')('LISTEN connection loss (PostgreSQL)', () => {
  it('flushes the cache when the listener reconnects, so revocations missed meanwhile still bind', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    expect(b.credentials.cache.size).toBeGreaterThan(0);

    // Kill every LISTEN connection; revoke while they are down.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'tessera-listener%' and datname = current_database()`.execute(
      store.db,
    );
    await a.inject({
      method: 'DELETE',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });

    await until(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where application_name like 'tessera-listener:%' and datname = current_database()`.execute(store.db);
      return (rows[0]?.n ?? 0) >= 2;
    }, 5_000);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
  });
});
