import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { revokePat, rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { bearer, signUp, storeKind, useTwoInstances } from '../../../test/harness.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { App } from '../../platform/http/schemas.ts';

/**
 * Two server instances on one store. On PostgreSQL each has its own pool and LISTEN
 * connection, as separate processes would; on PGlite they share the embedded database.
 */
const instances = useTwoInstances();

const me = (app: App, secret: string) => app.inject({ url: '/api/me', headers: bearer(secret) });

describe('revocation across instances', () => {
  it('a token revoked on A is refused on B within 1 s, although B had it cached', async () => {
    const { a, b } = instances;
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    // B verifies (and caches) the token.
    for (let i = 0; i < 3; i++)
      expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const revoke = await revokePat(a, user, token.id);
    expect(revoke.statusCode).toBe(204);
    // A refuses on the very next request.
    expect((await a.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
    await expect.poll(async () => (await me(b, secret)).statusCode, { timeout: 1_000 }).toBe(401);
  });

  it('rotation on A kills the old secret on B', async () => {
    const { a, b } = instances;
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const rotated = await rotatePat(a, user, token.id);
    await expect.poll(async () => (await me(b, secret)).statusCode, { timeout: 1_000 }).toBe(401);
    expect((await b.inject({ url: '/api/me', headers: bearer(rotated.json().secret) })).statusCode).toBe(200);
  });

  it('a revoke that rolls back invalidates nothing: the token stays valid everywhere', async () => {
    const { a, b, store } = instances;
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    await expect(
      inTransaction(store.db, async (tx) => {
        await a.credentials.revokeCredentials(tx, { ids: [token.id] }, 'test');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    // A later revoke answers once B has acknowledged it (ADR 0039): whatever the rolled-back one
    // could have sent reached B before it.
    const later = await createPat(a, user);
    const revokeLater = await revokePat(a, user, later.token.id);
    expect(revokeLater.statusCode).toBe(204);
    expect((await me(b, later.secret)).statusCode).toBe(401);
    expect((await a.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
  });
});

describe.runIf(storeKind === 'postgres')('LISTEN connection loss (PostgreSQL)', () => {
  it('flushes the cache when the listener reconnects, so revocations missed meanwhile still bind', async () => {
    const { a, b, store } = instances;
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    expect(b.credentials.cache.size).toBeGreaterThan(0);

    // Kill every LISTEN connection; revoke while they are down.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'tessera-listener%' and datname = current_database()`.execute(
      store.db,
    );
    await revokePat(a, user, token.id);

    await expect
      .poll(
        async () => {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where application_name like 'tessera-listener:%' and datname = current_database()`.execute(
            store.db,
          );
          return rows[0]?.n ?? 0;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThanOrEqual(2);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
  });
});
