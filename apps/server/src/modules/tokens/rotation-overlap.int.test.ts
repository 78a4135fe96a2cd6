import { beforeAll, describe, expect, it } from 'vitest';
import { createPat as createPatWith } from '../../../test/fixtures/index.ts';
import { rotatePat } from '../../../test/fixtures/pat-actions.ts';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  type TestStore,
  type TestUser,
  testClock,
  useTwoInstances,
} from '../../../test/harness.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { App } from '../../platform/http/schemas.ts';

/**
 * Rotation with an overlap and cut-over on first use (ADR 0029), self-rotation (ADR 0030).
 * Two instances on one store: on PostgreSQL each has its own pool and LISTEN connection.
 */
const instances = useTwoInstances();
let store: TestStore;
let a: App;
let b: App;
beforeAll(() => {
  ({ a, b, store } = instances);
});

const createPat = (app: App, user: TestUser, extra: Record<string, unknown> = {}) =>
  createPatWith(app, user, { scopes: ['profile:read', 'agents:read'], ...extra });

const me = (app: App, secret: string) => app.inject({ url: '/api/me', headers: bearer(secret) });

async function auditActions(app: App, user: TestUser, tokenId: string): Promise<string[]> {
  const events = (
    await app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
  ).json().events as Array<{ action: string; target_id: string | null }>;
  return events.filter((e) => e.target_id === tokenId).map((e) => e.action);
}

/** The owner's in-app notices about one token, of one kind. */
async function noticesOf(app: App, user: TestUser, tokenId: string, kind: string) {
  const notices = (
    await app.inject({ url: '/api/account/notices?limit=100', headers: { cookie: user.cookie } })
  ).json().notices as Array<{ kind: string; subject_id: string | null; data: Record<string, unknown> }>;
  return notices.filter((n) => n.subject_id === tokenId && n.kind === kind);
}

async function tokenOf(app: App, user: TestUser, id: string) {
  return (await app.inject({ url: `/api/account/tokens/${id}`, headers: { cookie: user.cookie } })).json();
}

describe('rotation with overlap until first use', () => {
  it('both secrets work on both instances until the new one is first used; then the old one is refused everywhere at once', async () => {
    const user = await signUp(a);
    const { token, secret: oldSecret } = await createPat(a, user);
    // Both instances have the old secret cached.
    expect((await me(a, oldSecret)).statusCode).toBe(200);
    expect((await me(b, oldSecret)).statusCode).toBe(200);

    const rotated = await rotatePat(a, user, token.id, {
      overlap: 'until_first_use',
      overlap_deadline_minutes: 30,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    const until = rotated.json().token.old_secret_valid_until as string;
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    // The overlap: the old secret still works on both instances, and the list says so.
    for (const app of [a, b]) expect((await me(app, oldSecret)).statusCode).toBe(200);
    const list = (await a.inject({ url: '/api/account/tokens', headers: { cookie: user.cookie } })).json()
      .tokens as Array<{ id: string; old_secret_valid_until: string | null }>;
    expect(list.find((t) => t.id === token.id)?.old_secret_valid_until).toBe(until);

    // First use of the new secret, on B, ends the overlap: no instance serves the old secret after.
    expect((await me(b, newSecret)).statusCode).toBe(200);
    expect((await me(a, oldSecret)).statusCode).toBe(401);
    expect((await me(b, oldSecret)).statusCode).toBe(401);
    for (const app of [a, b]) expect((await me(app, newSecret)).statusCode).toBe(200);
    expect((await tokenOf(a, user, token.id)).old_secret_valid_until).toBeNull();
    const actions = await auditActions(a, user, token.id);
    expect(actions).toContain('token.rotation_completed');
    expect(actions).toContain('token.rotated_out_used');
    expect((await tokenOf(a, user, token.id)).status).toBe('active');
  });

  it('concurrent first uses on both instances complete the cut-over once', async () => {
    const user = await signUp(a);
    const { token } = await createPat(a, user);
    const newSecret = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json()
      .secret as string;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => me(i % 2 ? a : b, newSecret).then((r) => r.statusCode)),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
    const completions = (await auditActions(a, user, token.id)).filter(
      (x) => x === 'token.rotation_completed',
    );
    expect(completions).toHaveLength(1);
  });

  it('without overlap (the default) the old secret stops at once, and its replay is recorded', async () => {
    const user = await signUp(a);
    const { token, secret: oldSecret } = await createPat(a, user);
    expect((await me(b, oldSecret)).statusCode).toBe(200);
    const rotated = await rotatePat(a, user, token.id);
    expect(rotated.json().token.old_secret_valid_until).toBeNull();
    expect((await me(a, oldSecret)).statusCode).toBe(401);
    await expect.poll(async () => (await me(b, oldSecret)).statusCode, { timeout: 1_000 }).toBe(401);
    expect(await auditActions(a, user, token.id)).toContain('token.rotated_out_used');
    // The owner is told, in the same transaction as the audit row (issue #15), once a minute at most.
    const [notice, ...more] = await noticesOf(a, user, token.id, 'token.rotated_secret_used');
    expect(more).toHaveLength(0);
    expect(notice?.data).toMatchObject({
      name: token.name,
      on_rotated_out_use: 'notify',
      token_revoked: false,
    });
    expect((await me(a, rotated.json().secret)).statusCode).toBe(200);
  });

  it('a rotated-out replay with on_rotated_out_use "revoke" revokes the token everywhere', async () => {
    const user = await signUp(a);
    const { token, secret: oldSecret } = await createPat(a, user, { on_rotated_out_use: 'revoke' });
    const newSecret = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json()
      .secret as string;
    expect((await me(a, newSecret)).statusCode).toBe(200);
    expect((await me(b, newSecret)).statusCode).toBe(200);
    // Someone still holding the old secret uses it: refused, and the token is revoked.
    const replay = await me(b, oldSecret);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_token');
    expect((await me(b, newSecret)).statusCode).toBe(401);
    await expect.poll(async () => (await me(a, newSecret)).statusCode, { timeout: 1_000 }).toBe(401);
    const view = await tokenOf(a, user, token.id);
    expect(view.status).toBe('revoked');
    expect(await auditActions(a, user, token.id)).toContain('token.rotated_out_used');
    const notices = await noticesOf(a, user, token.id, 'token.rotated_secret_used');
    expect(notices.map((n) => n.data.token_revoked)).toEqual([true]);
  });

  it('"notify" (the default) keeps the token working after a replay; the choice can be changed', async () => {
    const user = await signUp(a);
    const { token, secret: oldSecret } = await createPat(a, user);
    expect((await tokenOf(a, user, token.id)).on_rotated_out_use).toBe('notify');
    const newSecret = (await rotatePat(a, user, token.id)).json().secret as string;
    expect((await me(a, oldSecret)).statusCode).toBe(401);
    expect((await me(a, newSecret)).statusCode).toBe(200);

    const patched = await a.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
      payload: { on_rotated_out_use: 'revoke' },
    });
    expect(patched.json().on_rotated_out_use).toBe('revoke');
    expect(await auditActions(a, user, token.id)).toContain('token.rotation_settings_changed');
  });

  it('the deadline ends the overlap when the new secret is never used', async () => {
    const clock = testClock();
    const timed = await buildAppForTest(store, { clock });
    const user = await signUp(timed);
    const { token, secret: oldSecret } = await createPat(timed, user);
    const rotated = await rotatePat(timed, user, token.id, {
      overlap: 'until_first_use',
      overlap_deadline_minutes: 5,
    });
    expect((await me(timed, oldSecret)).statusCode).toBe(200);
    clock.advance(4 * 60_000);
    expect((await me(timed, oldSecret)).statusCode).toBe(200);
    clock.advance(60_000 + 1);
    expect((await me(timed, oldSecret)).statusCode).toBe(401);
    expect((await tokenOf(timed, user, token.id)).old_secret_valid_until).toBeNull();
    expect((await me(timed, rotated.json().secret)).statusCode).toBe(200);
    expect(await auditActions(timed, user, token.id)).toContain('token.rotated_out_used');
  });

  it('refuses deadlines over 24 hours and a deadline without an overlap', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user);
    const tooLong = await rotatePat(a, user, token.id, {
      overlap: 'until_first_use',
      overlap_deadline_minutes: 1441,
    });
    expect(tooLong.statusCode).toBe(400);
    const noOverlap = await rotatePat(a, user, token.id, { overlap: 'none', overlap_deadline_minutes: 10 });
    expect(noOverlap.statusCode).toBe(400);
    const unknown = await rotatePat(a, user, token.id, { overlap: 'forever' });
    expect(unknown.statusCode).toBe(400);
    // Nothing was rotated.
    expect((await me(a, secret)).statusCode).toBe(200);
  });

  it('a second rotation during an overlap forgets the first secret', async () => {
    const user = await signUp(a);
    const { token, secret: first } = await createPat(a, user);
    const second = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json()
      .secret as string;
    const third = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json()
      .secret as string;
    expect((await me(a, first)).statusCode).toBe(401);
    expect((await me(a, second)).statusCode).toBe(200);
    expect((await me(a, third)).statusCode).toBe(200);
    expect((await me(a, second)).statusCode).toBe(401);
  });
});

describe('rotated-out secrets are remembered for every rotation (30 days)', () => {
  it('rotating twice, a replay of the first secret is recorded, the policy applied, 401', async () => {
    const user = await signUp(a);
    const { token, secret: first } = await createPat(a, user, { on_rotated_out_use: 'revoke' });
    const second = (await rotatePat(a, user, token.id)).json().secret as string;
    const third = (await rotatePat(a, user, token.id)).json().secret as string;
    expect((await me(a, third)).statusCode).toBe(200);
    const replay = await me(b, first);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_token');
    expect(await auditActions(a, user, token.id)).toContain('token.rotated_out_used');
    // The policy (revoke) was applied: the current secret stops too, on both instances.
    expect((await tokenOf(a, user, token.id)).status).toBe('revoked');
    await expect.poll(async () => (await me(a, third)).statusCode, { timeout: 1_000 }).toBe(401);
    expect((await me(a, second)).statusCode).toBe(401);
  });

  it('the first secret of three rotations still counts as a replay during the last overlap (never accepted)', async () => {
    const user = await signUp(a);
    const { token, secret: first } = await createPat(a, user);
    await rotatePat(a, user, token.id);
    const third = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json();
    expect(third.token.old_secret_valid_until).not.toBeNull();
    expect((await me(a, first)).statusCode).toBe(401);
    expect(await auditActions(a, user, token.id)).toContain('token.rotated_out_used');
    expect((await tokenOf(a, user, token.id)).status).toBe('active');
  });

  it('an instance started after the rotation knows the old secrets: overlap honoured, replays recorded', async () => {
    const user = await signUp(a);
    const { token, secret: first } = await createPat(a, user);
    const second = (await rotatePat(a, user, token.id)).json().secret as string;
    const rotated = (await rotatePat(a, user, token.id, { overlap: 'until_first_use' })).json();
    const fresh = await buildAppForTest(store);
    // Its issued-token filter was built from the store after the rotations.
    expect((await me(fresh, second)).statusCode).toBe(200);
    expect((await me(fresh, first)).statusCode).toBe(401);
    expect(await auditActions(a, user, token.id)).toContain('token.rotated_out_used');
    expect((await me(fresh, rotated.secret)).statusCode).toBe(200);
  });

  it('an old secret counts as a replay for 30 days; after that it is simply unknown', async () => {
    const clock = testClock();
    const timed = await buildAppForTest(store, { clock });
    const user = await signUp(timed);
    // Two tokens rotated twice at the same moment; the first secret of one is replayed on day
    // 29, of the other on day 31 (each presented once: a cached answer would outlive the day).
    const early = await createPat(timed, user, { expires_in_days: 90 });
    const late = await createPat(timed, user, { expires_in_days: 90 });
    for (const { token } of [early, late]) {
      await rotatePat(timed, user, token.id);
      await rotatePat(timed, user, token.id);
    }
    const replays = async (tokenId: string) => {
      // The sign-in session of 30 days may have run out: read the log with a fresh login.
      const { access_token } = await accessTokenFor(timed, user);
      const events = (
        await timed.inject({ url: '/api/account/audit-log', headers: bearer(access_token) })
      ).json().events as Array<{ action: string; target_id: string | null }>;
      return events.filter((e) => e.target_id === tokenId && e.action === 'token.rotated_out_used').length;
    };
    clock.advance(29 * 86_400_000);
    expect((await me(timed, early.secret)).statusCode).toBe(401);
    expect(await replays(early.token.id)).toBe(1);
    clock.advance(2 * 86_400_000);
    expect((await me(timed, late.secret)).statusCode).toBe(401);
    expect(await replays(late.token.id)).toBe(0);
  });
});

describe('POST /api/tokens/self/rotate', () => {
  const selfRotate = (app: App, secret: string, payload?: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/tokens/self/rotate',
      headers: bearer(secret),
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });

  it('a PAT with allow_self_rotation gets a new secret with the same scopes; the old one works until the new one is used', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user, { allow_self_rotation: true, expires_in_days: 7 });
    const rotated = await selfRotate(a, secret);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const view = rotated.json().token;
    expect(view.id).toBe(token.id);
    expect(view.scopes).toEqual(token.scopes);
    expect(view.allow_self_rotation).toBe(true);
    expect(view.on_rotated_out_use).toBe('revoke');
    // The same lifetime again from now: 7 days.
    expect(Date.parse(view.expires_at) - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(Date.parse(view.expires_at) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(Date.parse(view.old_secret_valid_until) - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    expect((await me(b, secret)).statusCode).toBe(200);
    expect((await me(b, rotated.json().secret)).statusCode).toBe(200);
    // Cut over: the old secret is now a replay, and self-rotating tokens default to revoke.
    expect((await me(a, secret)).statusCode).toBe(401);
    expect((await tokenOf(a, user, token.id)).status).toBe('revoked');
    expect(await auditActions(a, user, token.id)).toEqual(
      expect.arrayContaining(['token.self_rotated', 'token.rotation_completed', 'token.rotated_out_used']),
    );
  });

  it('without the flag: 401 interactive_credential_required, nothing rotated', async () => {
    const user = await signUp(a);
    const { secret } = await createPat(a, user);
    const refused = await selfRotate(a, secret);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('interactive_credential_required');
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((await me(a, secret)).statusCode).toBe(200);
  });

  it('cannot widen scopes or expiry, or change settings: the body takes only the deadline', async () => {
    const user = await signUp(a);
    const { secret } = await createPat(a, user, { allow_self_rotation: true });
    for (const payload of [
      { scopes: ['agents:write'] },
      { expires_in_days: 365 },
      { expires_in_days: null },
      { allow_self_rotation: true },
      { on_rotated_out_use: 'notify' },
      { overlap: 'none' },
      { overlap_deadline_minutes: 10_000 },
    ]) {
      const response = await selfRotate(a, secret, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await me(a, secret)).statusCode).toBe(200);
  });

  it('keeps the lifetime within a policy lowered since the token was made', async () => {
    const user = await signUp(a);
    const { secret } = await createPat(a, user, { allow_self_rotation: true, expires_in_days: 300 });
    const strict = await buildAppForTest(store, { env: { TOKEN_MAX_LIFETIME_DAYS: '10' } });
    const rotated = await selfRotate(strict, secret);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(Date.parse(rotated.json().token.expires_at) - Date.now()).toBeLessThanOrEqual(10 * 86_400_000);
  });

  it('the old secret may not start another rotation during the overlap (409)', async () => {
    const user = await signUp(a);
    const { secret } = await createPat(a, user, { allow_self_rotation: true });
    expect((await selfRotate(a, secret)).statusCode).toBe(200);
    const again = await selfRotate(a, secret);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('conflict');
  });

  it('automation tokens cannot rotate themselves; sessions and access tokens are not tokens here', async () => {
    const user = await signUp(a);
    const { token: automation } = await inTransaction(store.db, (tx) =>
      a.credentials.issueCredential(tx, {
        userId: user.id,
        kind: 'automation',
        scopes: ['tasks:write'],
        expiresAt: null,
        allowSelfRotation: true,
      }),
    );
    const refused = await selfRotate(a, automation);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('interactive_credential_required');

    const access = await accessTokenFor(a, user);
    expect((await selfRotate(a, access.access_token)).statusCode).toBe(404);
    const bySession = await a.inject({
      method: 'POST',
      url: '/api/tokens/self/rotate',
      headers: { cookie: user.cookie, origin: 'http://localhost:3000' },
    });
    expect(bySession.statusCode).toBe(404);
  });

  it('a PAT still cannot manage tokens through the account routes', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user, { allow_self_rotation: true });
    const response = await a.inject({
      method: 'POST',
      url: `/api/account/tokens/${token.id}/rotate`,
      headers: bearer(secret),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('interactive_credential_required');
  });
});
