import { CompiledQuery, createQueryId, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { signUp, type TestUser, testClock, useSecondApp, useTestApp } from '../../../test/harness.ts';
import { DAY_MS } from '../../platform/clock.ts';
import { createCredentialRepository } from '../credentials/credentials.repository.ts';
import { thresholdFor } from './expiry-scan.ts';

// Two instances of the server on one store, each running the expiry scan, as in production.
const clock = testClock();
const ctx = useTestApp({ clock });
const peer = useSecondApp(ctx, { clock });

async function createToken(user: TestUser, name: string, days: number) {
  return (await createPat(ctx.app, user, { name, scopes: ['agents:read'], expires_in_days: days })).token.id;
}

async function expiryNotices(userId: string) {
  return ctx.store.db
    .selectFrom('notice_events')
    .select(['kind', 'subject_id', 'data'])
    .where('user_id', '=', userId)
    .where('kind', 'in', ['token.expiring', 'token.expired'])
    .orderBy('created_at')
    .execute();
}

describe('the expiry scan', () => {
  it('picks the smallest threshold that covers the time left', () => {
    expect(thresholdFor(40 * DAY_MS, [30, 7, 1])).toBeNull();
    expect(thresholdFor(30 * DAY_MS, [30, 7, 1])).toBe(30);
    expect(thresholdFor(5 * DAY_MS, [30, 7, 1])).toBe(7);
    expect(thresholdFor(DAY_MS / 2, [30, 7, 1])).toBe(1);
  });

  it('sends exactly one notice per token and threshold across two instances scanning at once', async () => {
    const user = await signUp(ctx.app);
    const tokenId = await createToken(user, 'nightly', 40);
    // Walk the clock through the token's life; both instances scan three times at each step.
    // Days left at each step: 40 (nothing), 29 (30-day), 25 (nothing new), 7 (7-day), 1 (1-day), −1 (expired).
    for (const step of [0, 11, 4, 18, 6, 2]) {
      clock.advance(step * DAY_MS);
      await Promise.all([
        ctx.app.noticeScan(),
        peer.app.noticeScan(),
        ctx.app.noticeScan(),
        peer.app.noticeScan(),
      ]);
      await Promise.all([ctx.app.noticeScan(), peer.app.noticeScan()]);
    }
    const notices = await expiryNotices(user.id);
    expect(notices.map((n) => [n.kind, n.data.threshold_days ?? null])).toEqual([
      ['token.expiring', 30],
      ['token.expiring', 7],
      ['token.expiring', 1],
      ['token.expired', null],
    ]);
    expect(notices.every((n) => n.subject_id === tokenId)).toBe(true);
  });

  it('a short-lived token gets only the thresholds it lives through; a renewed one is warned again', async () => {
    const user = await signUp(ctx.app);
    const tokenId = await createToken(user, 'short', 5);
    await Promise.all([ctx.app.noticeScan(), peer.app.noticeScan()]);
    expect((await expiryNotices(user.id)).map((n) => n.data.threshold_days)).toEqual([7]);
    const rotated = await rotatePat(ctx.app, user, tokenId, { expires_in_days: 3 });
    expect(rotated.statusCode).toBe(200);
    await Promise.all([ctx.app.noticeScan(), peer.app.noticeScan()]);
    expect((await expiryNotices(user.id)).map((n) => n.data.threshold_days)).toEqual([7, 7]);
  });

  it('reads live PATs through the partial index of migration 0015, not the whole credentials table', async () => {
    // The statement the scan really runs, captured on its way to the store.
    let node: RootOperationNode | undefined;
    const capture: KyselyPlugin = {
      transformQuery: (args) => {
        node = args.node;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = ctx.store.db.withPlugin(capture);
    const now = clock.now();
    await createCredentialRepository(db).listPersonalTokensExpiringBetween(
      new Date(now.getTime() - 7 * DAY_MS),
      new Date(now.getTime() + 30 * DAY_MS),
    );
    const scan = db.getExecutor().compileQuery(node!, createQueryId());
    // A test store is small enough for a sequential scan to be cheapest; forbid it to see whether
    // the index applies at all (a WHERE clause that drifts from its predicate would lose it).
    const plan = await ctx.store.db.transaction().execute(async (tx) => {
      await tx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
      const result = await tx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${scan.sql}`, [...scan.parameters]),
      );
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('credentials_live_pat_expiry_idx');
  });
});
