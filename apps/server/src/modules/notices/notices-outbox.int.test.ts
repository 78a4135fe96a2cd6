import { describe, expect, it, onTestFinished } from 'vitest';
import { revokePat, rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { signUp, type TestUser, testClock, useTestApp } from '../../../test/harness.ts';
import { newId } from '../../platform/ids.ts';
import { type ChannelSender, createDeliveryWorker, type DeliverySettings } from './delivery-worker.ts';
import type { NoticeKind } from './notice-kinds.ts';
import { enqueueNotice } from './notices.outbox.ts';
import { createNoticeRepository } from './notices.repository.ts';

const ctx = useTestApp({ env: { NOTIFY_WORKER: 'false' } });

async function createPat(user: TestUser, name: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: { cookie: user.cookie },
    payload: { name, scopes: ['agents:read'], expires_in_days: 30 },
  });
}

/** Adds a notice for the user now and returns its id. */
async function enqueued(user: TestUser, kind: NoticeKind): Promise<string> {
  const id = await enqueueNotice(ctx.store.db, { userId: user.id, kind, at: new Date() });
  if (id === null) throw new Error('enqueue was deduplicated');
  return id;
}

async function listNotices(user: TestUser, query = '') {
  const response = await ctx.app.inject({
    url: `/api/account/notices${query}`,
    headers: { cookie: user.cookie },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    notices: Array<{
      id: string;
      kind: string;
      subject_id: string;
      data: Record<string, unknown>;
      read_at: string | null;
    }>;
    unread_count: number;
    next_cursor: string | null;
  };
}

describe('the outbox, written in the transaction of the change', () => {
  it('a created, rotated and revoked PAT each leave one notice naming the token, never its secret', async () => {
    const user = await signUp(ctx.app);
    const created = await createPat(user, 'ci');
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    await rotatePat(ctx.app, user, token.id);
    await revokePat(ctx.app, user, token.id);

    const page = await listNotices(user);
    expect(page.notices.map((n) => n.kind)).toEqual(['token.revoked', 'token.rotated', 'token.created']);
    expect(page.notices.every((n) => n.subject_id === token.id)).toBe(true);
    expect(page.notices[0]!.data).toMatchObject({ name: 'ci', by: 'owner' });
    expect(page.unread_count).toBe(3);
    expect(JSON.stringify(page)).not.toContain(secret);
  });

  it('a change that rolls back leaves no notice (duplicate name → 409)', async () => {
    const user = await signUp(ctx.app);
    expect((await createPat(user, 'dup')).statusCode).toBe(201);
    expect((await createPat(user, 'dup')).statusCode).toBe(409);
    const page = await listNotices(user);
    expect(page.notices.filter((n) => n.kind === 'token.created')).toHaveLength(1);
  });

  it('revoke-all leaves one notice per token, by revoke_all', async () => {
    const user = await signUp(ctx.app);
    await createPat(user, 'a');
    await createPat(user, 'b');
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens/revoke-all',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBeLessThan(300);
    const revoked = (await listNotices(user)).notices.filter((n) => n.kind === 'token.revoked');
    expect(revoked).toHaveLength(2);
    expect(revoked.every((n) => n.data.by === 'revoke_all')).toBe(true);
  });

  it('a dedupe key makes a second enqueue a no-op', async () => {
    const user = await signUp(ctx.app);
    const first = await enqueueNotice(ctx.store.db, {
      userId: user.id,
      kind: 'token.expired',
      dedupeKey: `k:${user.id}`,
      at: new Date(),
    });
    const second = await enqueueNotice(ctx.store.db, {
      userId: user.id,
      kind: 'token.expired',
      dedupeKey: `k:${user.id}`,
      at: new Date(),
    });
    expect(first).toMatch(/^ntc_/);
    expect(second).toBeNull();
  });
});

describe('read state', () => {
  it('marks one and then all read, pages with a cursor, and hides other users’ notices (404)', async () => {
    const user = await signUp(ctx.app);
    const other = await signUp(ctx.app);
    for (const name of ['n1', 'n2', 'n3']) await createPat(user, name);
    const first = await listNotices(user, '?limit=2');
    expect(first.notices).toHaveLength(2);
    const second = await listNotices(user, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.notices).toHaveLength(1);
    expect(second.next_cursor).toBeNull();

    const target = first.notices[0]!;
    const foreign = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/notices/${target.id}/read`,
      headers: { cookie: other.cookie },
    });
    expect(foreign.statusCode).toBe(404);
    const read = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/notices/${target.id}/read`,
      headers: { cookie: user.cookie },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().read_at).not.toBeNull();
    const count = await ctx.app.inject({
      url: '/api/account/notices/unread-count',
      headers: { cookie: user.cookie },
    });
    expect(count.json()).toEqual({ unread_count: 2 });
    expect((await listNotices(user, '?unread=true')).notices).toHaveLength(2);

    const all = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/notices/read-all',
      headers: { cookie: user.cookie },
    });
    expect(all.json()).toEqual({ marked: 2 });
    expect((await listNotices(user)).unread_count).toBe(0);
  });

  it('a kind turned off in-app disappears from the list and the count', async () => {
    const user = await signUp(ctx.app);
    await createPat(user, 'quiet');
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/account/notice-settings',
      headers: { cookie: user.cookie },
      payload: { preferences: [{ kind: 'token.created', in_app: false }] },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().preferences.find((p: { kind: string }) => p.kind === 'token.created')).toEqual({
      kind: 'token.created',
      in_app: false,
      email: true,
      webhook: true,
    });
    expect((await listNotices(user)).unread_count).toBe(0);
  });
});

describe('the delivery worker', () => {
  const settings: DeliverySettings = {
    channels: { inApp: true, email: true, webhook: true },
    leaseMs: 60_000,
    pollMs: 1_000,
    retryBaseMs: 1_000,
    retryWindowMs: 24 * 60 * 60 * 1000,
    batchSize: 5,
  };

  /** A receiver that counts what it got per event id (a stand-in for a webhook endpoint). */
  function recordingSender(received: string[], fail = () => false): ChannelSender {
    return {
      async send({ event }) {
        if (fail()) return { ok: false, statusCode: 503, error: 'HTTP 503' };
        received.push(event.id);
        return { ok: true, statusCode: 200 };
      },
    };
  }

  async function userWithEndpoint() {
    const user = await signUp(ctx.app);
    await ctx.store.db
      .insertInto('webhook_endpoints')
      .values({
        id: newId('whe'),
        user_id: user.id,
        url: 'https://example.test/hook',
        secret_ciphertext: 'x',
      })
      .execute();
    return user;
  }

  it('an idle poll only reads (no lock, no write), and an enqueue still wakes the worker at once', async () => {
    const notices = createNoticeRepository(ctx.store.db);
    const drain = createDeliveryWorker({
      db: ctx.store.db,
      notices,
      clock: { now: () => new Date() },
      settings,
      senders: { webhook: recordingSender([]) },
    });
    for (let round = 0; round < 20 && (await notices.hasDueWork(new Date())); round += 1)
      await drain.runOnce();
    expect(await notices.hasDueWork(new Date())).toBe(false);

    const kinds: string[] = [];
    const recorded = ctx.store.db.withPlugin({
      transformQuery: (args) => {
        kinds.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const received: string[] = [];
    const worker = createDeliveryWorker({
      db: recorded,
      notices: createNoticeRepository(recorded),
      clock: { now: () => new Date() },
      settings: { ...settings, pollMs: 10 },
      senders: { webhook: recordingSender(received) },
    });
    worker.start();
    onTestFinished(() => worker.stop());
    await expect.poll(() => kinds.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(new Set(kinds)).toEqual(new Set(['SelectQueryNode']));

    const user = await userWithEndpoint();
    const id = await enqueued(user, 'token.leaked');
    await expect.poll(() => received.includes(id), { timeout: 10_000 }).toBe(true);
    expect(kinds).toContain('UpdateQueryNode');
  });

  it('two workers on one store deliver each event exactly once', async () => {
    const user = await userWithEndpoint();
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      ids.push(await enqueued(user, 'password.changed'));
    }
    const clock = testClock();
    const received: string[] = [];
    const notices = createNoticeRepository(ctx.store.db);
    const make = () =>
      createDeliveryWorker({
        db: ctx.store.db,
        notices,
        clock,
        settings,
        senders: { webhook: recordingSender(received) },
      });
    const [a, b] = [make(), make()];
    for (let round = 0; round < 6; round += 1) await Promise.all([a.runOnce(), b.runOnce()]);
    const mine = received.filter((id) => ids.includes(id));
    expect(mine.sort()).toEqual([...ids].sort());
  });

  it('a worker killed between lease and ack loses nothing: another takes over after the lease, once', async () => {
    const user = await userWithEndpoint();
    const id = await enqueued(user, 'token.leaked');
    const clock = testClock();
    const notices = createNoticeRepository(ctx.store.db);
    const received: string[] = [];
    const dying = createDeliveryWorker({
      db: ctx.store.db,
      notices,
      clock,
      settings,
      senders: { webhook: recordingSender([]) },
    });
    await dying.fanOut();
    // The dying worker claims (leases) and then never acknowledges: it was killed.
    const claimed = await notices.claimDueDeliveries(
      dying.workerId,
      clock.now(),
      new Date(clock.now().getTime() + 60_000),
      100,
    );
    expect(claimed.some((d) => d.event_id === id)).toBe(true);

    const survivor = createDeliveryWorker({
      db: ctx.store.db,
      notices,
      clock,
      settings,
      senders: { webhook: recordingSender(received) },
    });
    await survivor.runOnce();
    expect(received).not.toContain(id); // still leased
    clock.advance(61_000);
    await survivor.runOnce();
    await survivor.runOnce();
    expect(received.filter((r) => r === id)).toHaveLength(1);
    // The dead worker's late ack cannot overwrite the survivor's result.
    const late = await notices.completeDelivery(claimed.find((d) => d.event_id === id)!.id, dying.workerId, {
      status: 'failed',
      statusCode: null,
      error: 'late',
      at: clock.now(),
    });
    expect(late).toBe(false);
  });

  it('retries failures with growing delays and gives up after the retry window', async () => {
    const user = await userWithEndpoint();
    const id = await enqueued(user, 'token.expired');
    const clock = testClock();
    const notices = createNoticeRepository(ctx.store.db);
    const worker = createDeliveryWorker({
      db: ctx.store.db,
      notices,
      clock,
      settings: { ...settings, retryWindowMs: 60_000 },
      senders: { webhook: recordingSender([], () => true) },
    });
    await worker.runOnce();
    const delays: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const row = await ctx.store.db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('event_id', '=', id)
        .executeTakeFirstOrThrow();
      if (row.status !== 'pending') break;
      delays.push(row.next_attempt_at.getTime() - clock.now().getTime());
      clock.set(row.next_attempt_at);
      await worker.runOnce();
    }
    const row = await ctx.store.db
      .selectFrom('notice_deliveries')
      .selectAll()
      .where('event_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.last_status_code).toBe(503);
    expect(delays.length).toBeGreaterThan(2);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);
    const attempts = await ctx.store.db
      .selectFrom('notice_delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', row.id)
      .execute();
    expect(attempts).toHaveLength(row.attempts);
  });
});
