import { sql } from 'kysely';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildAppForTest, createTestStore, storeKind, useTestApp } from '../../../test/harness.ts';
import { openPostgres } from '../../platform/database/database.ts';

const ctx = useTestApp();

describe('health probes', () => {
  it('live answers 200 without touching the store', async () => {
    const response = await ctx.app.inject({ url: '/api/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('ready answers 200 with every check when the store is current and LISTEN is connected', async () => {
    const response = await ctx.app.inject({ url: '/api/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', notifications: 'ok', migrations: 'ok' },
    });
  });

  it('/api/health keeps its contract shape', async () => {
    const response = await ctx.app.inject({ url: '/api/health' });
    expect(response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('ready is 503 problem+json with Retry-After while a migration this version knows is not applied', async () => {
    const own = await createTestStore();
    onTestFinished(() => own.destroy());
    const other = await buildAppForTest(own);
    const [last] = (
      await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
        own.db,
      )
    ).rows;
    await sql`delete from kysely_migration where name = ${last!.name}`.execute(own.db);
    const response = await other.inject({ url: '/api/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ code: 'service_unavailable' });
    expect(response.json().detail).toContain(last!.name);
  });
});

describe.runIf(storeKind === 'postgres')('readiness follows the LISTEN connection (PostgreSQL)', () => {
  it('is not ready while the revocation feed is down, and ready again once it reconnects', async () => {
    const own = await openPostgres(ctx.store.url!, { poolSize: 2 });
    onTestFinished(() => own.close());
    const other = await buildAppForTest(own);
    // Hold the feed down: terminate the listener as often as it comes back, until we saw 503.
    await vi.waitFor(
      async () => {
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
          where application_name like 'tessera-listener%' and datname = current_database()`.execute(
          ctx.store.db,
        );
        const response = await other.inject({ url: '/api/health/ready' });
        expect(response.statusCode).toBe(503);
        expect(response.json().detail).toContain('LISTEN');
      },
      { timeout: 10_000, interval: 10 },
    );
    await expect
      .poll(async () => (await other.inject({ url: '/api/health/ready' })).statusCode, { timeout: 10_000 })
      .toBe(200);
  });
});
