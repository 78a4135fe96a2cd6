import { describe, expect, it } from 'vitest';
import { createPat, signUp } from '../../../test/fixtures/index.ts';
import { useTestApp } from '../../../test/harness.ts';
import { LastUsedBuffer } from './last-used-buffer.ts';
import { TokenActivityBuffer } from './token-activity-buffer.ts';

/**
 * A flush carries every credential used since the last one: at a few thousand distinct tokens a
 * second that is tens of thousands of rows, more than one statement may carry as bind parameters
 * (65,535 in PostgreSQL's protocol) if each row costs several.
 */
const DISTINCT_CREDENTIALS = 30_000;
const fakeIds = Array.from({ length: DISTINCT_CREDENTIALS }, (_, i) => `crd_never_issued_${i}`);

describe('write-behind buffers at scale', () => {
  const ctx = useTestApp();

  it('writes the last use of tens of thousands of credentials in one flush', async () => {
    const user = await signUp(ctx.app);
    const { token } = await createPat(ctx.app, user);
    const errors: unknown[] = [];
    const buffer = new LastUsedBuffer(ctx.store.db, {
      flushIntervalMs: 60_000,
      onError: (e) => errors.push(e),
    });
    const at = new Date('2026-12-04T10:00:00.000Z');
    for (const id of fakeIds) buffer.record(id, at, '203.0.113.9');
    buffer.record(token.id, at, '198.51.100.7');
    buffer.record(token.id, at, '198.51.100.7');

    await buffer.flush();

    expect(errors).toEqual([]);
    expect(buffer.stats).toMatchObject({ failures: 0, written: DISTINCT_CREDENTIALS + 1 });
    expect(buffer.pendingCount).toBe(0);
    const row = await ctx.store.db
      .selectFrom('credentials')
      .select(['last_used_at', 'last_used_ip'])
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at?.toISOString()).toBe(at.toISOString());
    expect(row.last_used_ip).toBe('198.51.100.7');
    const usage = await ctx.store.db
      .selectFrom('credential_usage_daily')
      .select(['uses'])
      .where('credential_id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(Number(usage.uses)).toBe(2);
  });

  it('writes the networks and scopes of tens of thousands of PATs in one flush', async () => {
    const user = await signUp(ctx.app);
    const { token } = await createPat(ctx.app, user);
    const errors: unknown[] = [];
    const seen: string[] = [];
    const buffer = new TokenActivityBuffer(ctx.store.db, {
      flushIntervalMs: 60_000,
      onError: (e) => errors.push(e),
      onNewNetworks: async (_tx, events) => {
        seen.push(...events.map((event) => event.credentialId));
      },
    });
    const at = new Date('2026-12-04T10:00:00.000Z');
    for (const id of fakeIds) {
      buffer.recordAddress(id, user.id, '203.0.113.9', at);
      buffer.recordScope(id, user.id, 'agents:read', at);
    }
    buffer.recordAddress(token.id, user.id, '198.51.100.7', at);
    buffer.recordScope(token.id, user.id, 'profile:read', at);

    await buffer.flush();

    expect(errors).toEqual([]);
    expect(buffer.stats.failures).toBe(0);
    const networks = await ctx.store.db
      .selectFrom('credential_networks')
      .select(['network', 'last_ip', 'uses'])
      .where('credential_id', '=', token.id)
      .execute();
    expect(networks).toEqual([{ network: '198.51.100.0/24', last_ip: '198.51.100.7', uses: 1 }]);
    const scopes = await ctx.store.db
      .selectFrom('credential_scope_usage_daily')
      .select(['scope', 'uses'])
      .where('credential_id', '=', token.id)
      .execute();
    expect(scopes.map((s) => [s.scope, Number(s.uses)])).toEqual([['profile:read', 1]]);
    // Rows for credentials that do not exist are dropped, not written, and announce nothing.
    expect(seen).not.toContain(fakeIds[0]);
  });
});
