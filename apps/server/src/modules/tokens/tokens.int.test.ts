import { beforeAll, describe, expect, it } from 'vitest';
import { createPat as createPatWith } from '../../../test/fixtures/index.ts';
import { revokePat, rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { statementCounter } from '../../../test/fixtures/statement-counter.ts';
import { PAT_VIEW_FIELDS } from '../../../test/fixtures/token-views.ts';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  captureLogs,
  signUp,
  type TestStore,
  type TestUser,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';
import { generateToken } from '../credentials/token-format.ts';

// Last use is written only by the flushes the tests ask for: the timed one (5 s by default) could
// otherwise land in the middle of a test on a loaded machine.
const ctx = useTestApp({ env: { TOKEN_LAST_USED_FLUSH_MS: '60000' } });
let store: TestStore;
let app: App;
beforeAll(() => {
  ({ app, store } = ctx);
});

const createPat = (target: App, user: TestUser, body: Record<string, unknown> = {}) =>
  createPatWith(target, user, { scopes: ['agents:read', 'profile:read'], ...body });

/** An app for the current test with a clock of its own, which the test moves. */
async function appWithOwnClock() {
  const clock = testClock();
  return { clock, timed: await buildAppForTest(store, { clock }) };
}

/** POST /api/account/tokens as is, for the tests that read the answer (`createPat` wants a 201). */
const postPat = (target: App, headers: Record<string, string>, payload: Record<string, unknown>) =>
  target.inject({ method: 'POST', url: '/api/account/tokens', headers, payload });

describe('creating and listing personal access tokens', () => {
  it('creates a PAT, shows the secret once, and lists it without the secret', async () => {
    const user = await signUp(app);
    const response = await postPat(
      app,
      { cookie: user.cookie },
      { name: 'ci', description: 'for CI', scopes: ['agents:write'], expires_in_days: 7 },
    );
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { token, secret } = response.json();
    expect(secret).toMatch(/^tes_pat_[0-9A-Za-z]{46}$/);
    expect(Object.keys(token).sort()).toEqual([...PAT_VIEW_FIELDS].sort());
    expect(token).toMatchObject({
      name: 'ci',
      description: 'for CI',
      kind: 'personal',
      scopes: ['agents:write'],
      status: 'active',
      preview: `${secret.slice(0, 12)}…`,
      revoked_at: null,
      last_used_at: null,
    });
    const expiresInMs = new Date(token.expires_at).getTime() - Date.now();
    expect(expiresInMs).toBeGreaterThan(6.9 * 86_400_000);
    expect(expiresInMs).toBeLessThan(7.1 * 86_400_000);

    const list = await app.inject({ url: '/api/account/tokens', headers: { cookie: user.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().tokens.map((t: { id: string }) => t.id)).toEqual([token.id]);
    expect(list.body).not.toContain(secret);
    const one = await app.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(one.json()).toEqual(list.json().tokens[0]);
    expect(one.body).not.toContain(secret.slice(12));
  });

  it('stores only the SHA-256 of the token', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user);
    const row = await store.db
      .selectFrom('credentials')
      .selectAll()
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    const { createHash } = await import('node:crypto');
    expect(row.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret.slice(8, 48));
  });

  it('lists newest first and only the user’s own manual PATs', async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    const first = await createPat(app, user, { name: 'first' });
    const second = await createPat(app, user, { name: 'second' });
    await createPat(app, other, { name: 'theirs' });
    const tokens = (await app.inject({ url: '/api/account/tokens', headers: { cookie: user.cookie } })).json()
      .tokens;
    expect(tokens.map((t: { name: string }) => t.name)).toEqual(['second', 'first']);
    expect(tokens.every((t: { kind: string }) => t.kind === 'personal')).toBe(true);
    expect([first.token.id, second.token.id].sort()).toEqual(tokens.map((t: { id: string }) => t.id).sort());
  });

  it('defaults to 30 days and accepts null (no expiry) when the policy allows it', async () => {
    const user = await signUp(app);
    const defaulted = await createPat(app, user, { expires_in_days: undefined });
    const days = (new Date(defaulted.token.expires_at as string).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const forever = await createPat(app, user, { expires_in_days: null });
    expect(forever.token.expires_at).toBeNull();
  });

  it.each([
    ['an unknown scope', { name: 'x', scopes: ['admin:all'] }],
    ['no scopes', { name: 'x', scopes: [] }],
    ['duplicate scopes', { name: 'x', scopes: ['agents:read', 'agents:read'] }],
    ['an empty name', { name: '', scopes: ['agents:read'] }],
    ['a blank name', { name: '   ', scopes: ['agents:read'] }],
    ['a zero lifetime', { name: 'x', scopes: ['agents:read'], expires_in_days: 0 }],
    ['a fractional lifetime', { name: 'x', scopes: ['agents:read'], expires_in_days: 1.5 }],
    ['an unknown property', { name: 'x', scopes: ['agents:read'], owner_id: 'usr_someone' }],
  ])('rejects %s with 400 invalid_request', async (_label, payload) => {
    const user = await signUp(app);
    const response = await postPat(app, { cookie: user.cookie }, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_request');
    expect(response.json().errors.length).toBeGreaterThan(0);
  });

  it('answers 409 for a name already used by an active token, and frees it on revoke', async () => {
    const user = await signUp(app);
    const first = await createPat(app, user, { name: 'Deploy' });
    const clash = await postPat(app, { cookie: user.cookie }, { name: 'deploy', scopes: ['agents:read'] });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('conflict');
    await revokePat(app, user, first.token.id);
    expect((await createPat(app, user, { name: 'deploy' })).token.name).toBe('deploy');
  });
});

describe('expiry policy', () => {
  it('refuses a lifetime over the maximum and null when expiry is required, with 422 naming the limit', async () => {
    const strict = await buildAppForTest(store, {
      env: { TOKEN_MAX_LIFETIME_DAYS: '90', TOKEN_REQUIRE_EXPIRY: 'true' },
    });
    const user = await signUp(strict);
    const tooLong = await postPat(
      strict,
      { cookie: user.cookie },
      { name: 'x', scopes: ['agents:read'], expires_in_days: 91 },
    );
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().code).toBe('policy_violation');
    expect(tooLong.json().detail).toContain('90');
    const never = await postPat(
      strict,
      { cookie: user.cookie },
      { name: 'x', scopes: ['agents:read'], expires_in_days: null },
    );
    expect(never.statusCode).toBe(422);
    const policy = await strict.inject({
      url: '/api/account/tokens/policy',
      headers: { cookie: user.cookie },
    });
    expect(policy.json()).toMatchObject({ max_lifetime_days: 90, require_expiry: true });
    expect(policy.json().scopes.map((s: { id: string }) => s.id)).toContain('agents:read');
    expect((await createPat(strict, user, { expires_in_days: 90 })).token.status).toBe('active');
  });

  it('refuses a token once it has expired and shows it as expired (expiry checked on cached tokens too)', async () => {
    const { clock, timed } = await appWithOwnClock();
    const user = await signUp(timed);
    const { token, secret } = await createPat(timed, user, { expires_in_days: 1 });
    expect((await timed.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    clock.advance(86_400_000 - 2_000);
    expect((await timed.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    clock.advance(2_001);
    const refused = await timed.inject({ url: '/api/me', headers: bearer(secret) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('invalid_token');
    const view = await timed.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(view.json().status).toBe('expired');
    // The first use after expiry is audited, once: the audit row, then the notice, are written in
    // the background; once the notice is there, the audit row is too.
    await timed.inject({ url: '/api/me', headers: bearer(secret) });
    await expect
      .poll(async () => {
        const notices = await timed.inject({ url: '/api/account/notices', headers: { cookie: user.cookie } });
        return notices.json().notices.map((n: { kind: string }) => n.kind);
      })
      .toContain('token.expired_used');
    const events = (
      await timed.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events as Array<{ action: string; target_id: string }>;
    const expiredUses = events.filter((e) => e.action === 'token.expired_used');
    expect(expiredUses).toEqual([expect.objectContaining({ target_id: token.id })]);
  });
});

describe('interactive-only management', () => {
  const managementRoutes = (id: string) => [
    { method: 'GET' as const, url: '/api/account/tokens' },
    { method: 'GET' as const, url: '/api/account/tokens/policy' },
    {
      method: 'POST' as const,
      url: '/api/account/tokens',
      payload: { name: 'evil', scopes: ['agents:read'] },
    },
    { method: 'GET' as const, url: `/api/account/tokens/${id}` },
    { method: 'PATCH' as const, url: `/api/account/tokens/${id}`, payload: { name: 'renamed' } },
    { method: 'POST' as const, url: `/api/account/tokens/${id}/rotate` },
    { method: 'DELETE' as const, url: `/api/account/tokens/${id}` },
    { method: 'POST' as const, url: '/api/account/tokens/revoke-all' },
    { method: 'GET' as const, url: '/api/account/audit-log' },
  ];

  it('refuses a PAT on every management route with 401 interactive_credential_required, even with every scope', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user, {
      scopes: ['agents:write', 'repos:write', 'tasks:write', 'profile:read'],
    });
    for (const route of managementRoutes(token.id)) {
      const response = await app.inject({ ...route, headers: bearer(secret) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="tessera", error="invalid_token", error_description="/,
      );
    }
    // The PAT survived the attempts: nothing was changed by them.
    const view = await app.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(view.json()).toMatchObject({ status: 'active', name: token.name });
  });

  it('allows an OAuth access token to manage tokens', async () => {
    const user = await signUp(app);
    const { access_token } = await accessTokenFor(app, user);
    const created = await postPat(app, bearer(access_token), { name: 'from-cli', scopes: ['agents:read'] });
    expect(created.statusCode).toBe(201);
    const list = await app.inject({ url: '/api/account/tokens', headers: bearer(access_token) });
    expect(list.json().tokens).toHaveLength(1);
  });
});

describe('updating tokens', () => {
  it('renames, changes the description and reduces scopes; the narrower scopes bind at once', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user, { scopes: ['agents:write', 'profile:read'] });
    // Cache the verification with the wide scopes.
    expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
      payload: { name: 'renamed', description: 'now read-only', scopes: ['agents:read'] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'renamed',
      description: 'now read-only',
      scopes: ['agents:read'],
    });
    const me = await app.inject({ url: '/api/me', headers: bearer(secret) });
    expect(me.statusCode).toBe(403);
    expect(me.json().code).toBe('insufficient_scope');
    expect(me.headers['www-authenticate']).toBe(
      'Bearer realm="tessera", error="insufficient_scope", scope="profile:read"',
    );
  });

  it('refuses to widen scopes with 422 (write is wider than read)', async () => {
    const user = await signUp(app);
    const { token } = await createPat(app, user, { scopes: ['agents:read'] });
    for (const scopes of [['agents:write'], ['agents:read', 'repos:read']]) {
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/account/tokens/${token.id}`,
        headers: { cookie: user.cookie },
        payload: { scopes },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('policy_violation');
    }
    // agents:write holds agents:read, so narrowing write → read is allowed.
    const wide = await createPat(app, user, { scopes: ['agents:write'] });
    const narrowed = await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${wide.token.id}`,
      headers: { cookie: user.cookie },
      payload: { scopes: ['agents:read'] },
    });
    expect(narrowed.statusCode).toBe(200);
  });

  it('rejects an empty patch with 400', async () => {
    const user = await signUp(app);
    const { token } = await createPat(app, user);
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
      payload: {},
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('rotation and revocation', () => {
  it('rotates: a new secret with the same settings, and the old secret stops working at once', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user, { name: 'rotating', expires_in_days: 10 });
    expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    const response = await rotatePat(app, user, token.id);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const rotated = response.json();
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.token).toMatchObject({
      id: token.id,
      name: 'rotating',
      scopes: token.scopes,
      status: 'active',
    });
    const old = await app.inject({ url: '/api/me', headers: bearer(secret) });
    expect(old.statusCode).toBe(401);
    expect(old.json().code).toBe('invalid_token');
    expect((await app.inject({ url: '/api/me', headers: bearer(rotated.secret) })).statusCode).toBe(200);
  });

  it('revokes: the next request fails even though the token was cached a moment before', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user);
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    }
    const revoke = await revokePat(app, user, token.id);
    expect(revoke.statusCode).toBe(204);
    const after = await app.inject({ url: '/api/me', headers: bearer(secret) });
    expect(after.statusCode).toBe(401);
    const view = await app.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(view.json().status).toBe('revoked');
    expect(view.json().revoked_at).not.toBeNull();
    const rotate = await rotatePat(app, user, token.id);
    expect(rotate.statusCode).toBe(422);
  });

  it('revokes all of a user’s PATs and nothing else', async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    const a = await createPat(app, user);
    const b = await createPat(app, user);
    const theirs = await createPat(app, other);
    const response = await app.inject({
      method: 'POST',
      url: '/api/account/tokens/revoke-all',
      headers: { cookie: user.cookie },
    });
    expect(response.json()).toEqual({ revoked: 2 });
    for (const secret of [a.secret, b.secret]) {
      expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
    }
    expect((await app.inject({ url: '/api/me', headers: bearer(theirs.secret) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
  });

  it('lets no request that starts after the revoke commits succeed (200 parallel requests)', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user);
    // Warm the verification cache so the revoke has a cached entry to evict.
    expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    let revokedAt = Number.POSITIVE_INFINITY;
    const results: Array<{ startedAt: number; status: number }> = [];
    const call = async () => {
      const startedAt = performance.now();
      const response = await app.inject({ url: '/api/me', headers: bearer(secret) });
      results.push({ startedAt, status: response.statusCode });
    };
    // 100 requests racing the revoke, staggered around it…
    const racing = Array.from({ length: 100 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i % 20));
      await call();
    });
    const revoke = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 8));
      const response = await revokePat(app, user, token.id);
      expect(response.statusCode).toBe(204);
      revokedAt = performance.now();
    })();
    await revoke;
    // …and 100 more fired in parallel once it has committed, however long that took.
    await Promise.all([...racing, ...Array.from({ length: 100 }, call)]);
    expect(results).toHaveLength(200);
    const afterRevoke = results.filter((r) => r.startedAt > revokedAt);
    expect(afterRevoke.length).toBeGreaterThanOrEqual(100);
    expect(afterRevoke.filter((r) => r.status !== 401)).toEqual([]);
  });
});

describe('bearer verification', () => {
  it('answers byte-identical 401 invalid_token for unknown, bad-checksum, expired and revoked tokens', async () => {
    const user = await signUp(app);
    const revoked = await createPat(app, user);
    await revokePat(app, user, revoked.token.id);
    const wellFormedUnknown = generateToken('pat');
    const badChecksum = `${wellFormedUnknown.slice(0, -1)}${wellFormedUnknown.endsWith('0') ? '1' : '0'}`;
    const bodies = new Set<string>();
    for (const token of [wellFormedUnknown, badChecksum, revoked.secret, 'tes_pat_short', 'garbage']) {
      const response = await app.inject({ url: '/api/me', headers: bearer(token) });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera", error="invalid_token"');
      bodies.add(response.body);
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toContain('tes_pat');
  });

  it('rejects malformed tokens without any database query', async () => {
    const queries = statementCounter();
    const counted = await buildAppForTest(queries.wrap(store));
    const valid = generateToken('pat');
    const inputs = [
      `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
      valid.replace('tes_pat_', 'tes_xyz_'),
      valid.slice(0, 53),
      `${valid}x`,
      valid.replace(/[a-z]/, 'а'),
      'x'.repeat(10_000),
      '%00',
    ];
    queries.reset();
    for (const token of inputs) {
      const response = await counted.inject({
        url: '/api/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(401);
    }
    expect(queries.count).toBe(0);
  });

  it('never looks an unknown well-formed token up: the issued-token filter refuses it (ADR 0022)', async () => {
    const queries = statementCounter();
    const counted = await buildAppForTest(queries.wrap(store));
    const unknown = generateToken('pat');
    queries.reset();
    for (let i = 0; i < 20; i++) {
      expect((await counted.inject({ url: '/api/me', headers: bearer(unknown) })).statusCode).toBe(401);
    }
    expect(queries.count).toBe(0);
  });

  it('ignores a token in the query string', async () => {
    const user = await signUp(app);
    const { secret } = await createPat(app, user);
    for (const name of ['access_token', 'token']) {
      const response = await app.inject({ url: `/api/me?${name}=${secret}` });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('unauthenticated');
    }
  });

  it('refuses refresh tokens and session tokens as bearer credentials', async () => {
    const user = await signUp(app);
    const { refresh_token } = await accessTokenFor(app, user);
    for (const token of [refresh_token, user.sessionToken]) {
      const response = await app.inject({ url: '/api/me', headers: bearer(token) });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('invalid_token');
    }
  });

  it('treats a malformed Authorization header as an invalid token', async () => {
    for (const header of ['Bearer', 'Bearer a b', 'Basic dXNlcjpwYXNz', 'bearer']) {
      const response = await app.inject({ url: '/api/me', headers: { authorization: header } });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('invalid_token');
    }
  });

  it('accepts a case-insensitive Bearer scheme', async () => {
    const user = await signUp(app);
    const { secret } = await createPat(app, user);
    expect(
      (await app.inject({ url: '/api/me', headers: { authorization: `bEaReR ${secret}` } })).statusCode,
    ).toBe(200);
  });
});

describe('GET /api/tokens/self and /api/me with a PAT', () => {
  it('describes the presenting PAT', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user, { scopes: ['profile:read'] });
    const self = await app.inject({ url: '/api/tokens/self', headers: bearer(secret) });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ id: token.id, kind: 'personal', status: 'active' });
    const me = await app.inject({ url: '/api/me', headers: bearer(secret) });
    expect(me.json().credential).toMatchObject({
      kind: 'personal',
      scopes: ['profile:read'],
      token_id: token.id,
    });
    expect(me.json().user.id).toBe(user.id);
  });

  it('answers 404 for an interactive credential', async () => {
    const user = await signUp(app);
    expect((await app.inject({ url: '/api/tokens/self', headers: { cookie: user.cookie } })).statusCode).toBe(
      404,
    );
  });
});

describe('last use', () => {
  it('records last use in memory and writes it in one batched flush', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user);
    for (let i = 0; i < 25; i++) {
      await app.inject({ url: '/api/me', headers: bearer(secret), remoteAddress: '203.0.113.7' });
    }
    const before = await store.db
      .selectFrom('credentials')
      .select(['last_used_at'])
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(before.last_used_at).toBeNull();
    await app.credentials.lastUsed.flush();
    const after = await app.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(after.json().last_used_at).not.toBeNull();
    expect(after.json().last_used_ip).toBe('203.0.113.7');
    const usage = await store.db
      .selectFrom('credential_usage_daily')
      .select('uses')
      .where('credential_id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(usage.uses).toBe(25);
  });

  it('never resurrects a revoked token when flushing', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user);
    await app.inject({ url: '/api/me', headers: bearer(secret) });
    await revokePat(app, user, token.id);
    await app.credentials.lastUsed.flush();
    expect((await app.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
    const view = await app.inject({
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(view.json().status).toBe('revoked');
  });
});

describe('audit log', () => {
  it('records token events with actor, IP and user agent, newest first, paged by cursor', async () => {
    const user = await signUp(app);
    const { token } = await createPat(app, user, { name: 'audited' });
    await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
      payload: { name: 'audited-2' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/account/tokens/${token.id}/rotate`,
      headers: { cookie: user.cookie, 'user-agent': 'audit-test/1.0' },
    });
    await revokePat(app, user, token.id);
    const page1 = await app.inject({
      url: '/api/account/audit-log?limit=2',
      headers: { cookie: user.cookie },
    });
    expect(page1.statusCode).toBe(200);
    const first = page1.json();
    expect(first.events.map((e: { action: string }) => e.action)).toEqual(['token.revoked', 'token.rotated']);
    expect(first.events[1]).toMatchObject({
      user_agent: 'audit-test/1.0',
      target_id: token.id,
      actor_kind: 'session',
    });
    expect(first.next_cursor).toBeTruthy();
    const page2 = await app.inject({
      url: `/api/account/audit-log?limit=10&cursor=${first.next_cursor}`,
      headers: { cookie: user.cookie },
    });
    expect(page2.json().events.map((e: { action: string }) => e.action)).toEqual([
      'token.renamed',
      'token.created',
      'auth.signup',
    ]);
    expect(page2.json().next_cursor).toBeNull();
    const bad = await app.inject({
      url: '/api/account/audit-log?cursor=%27%3B--',
      headers: { cookie: user.cookie },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('never shows another user’s events', async () => {
    const a = await signUp(app);
    const b = await signUp(app);
    await createPat(app, a);
    const events = (await app.inject({ url: '/api/account/audit-log', headers: { cookie: b.cookie } })).json()
      .events;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['auth.signup']);
  });
});

describe('logs', () => {
  it('never contain a token, password or cookie', async () => {
    const logs = captureLogs();
    const logged = await buildAppForTest(store, { logStream: logs.stream });
    const user = await signUp(logged);
    const { secret } = await createPat(logged, user);
    const { access_token, refresh_token } = await accessTokenFor(logged, user);
    await logged.inject({ url: `/api/me?access_token=${secret}`, headers: bearer(secret) });
    await logged.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}x` } });
    await logged.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { grant_type: 'refresh_token', refresh_token },
    });
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secretValue of [secret, access_token, refresh_token, user.sessionToken, user.password]) {
      expect(text).not.toContain(secretValue);
    }
  });
});

describe('rotation and expiry (ADR 0014)', () => {
  const DAY = 86_400_000;

  /** A fresh session cookie: the test clock moves past the 30-day session lifetime. */
  async function cookieFor(target: App, user: TestUser) {
    const response = await target.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(response.statusCode).toBe(200);
    return `tessera_session=${response.cookies.find((c) => c.name === 'tessera_session')!.value}`;
  }

  it('never lets a 366-day PAT outlive the policy, however often it is rotated', async () => {
    const { clock, timed } = await appWithOwnClock();
    const user = await signUp(timed);
    const { token } = await createPat(timed, user, { expires_in_days: 366 });
    for (let i = 0; i < 3; i++) {
      clock.advance(100 * DAY);
      const response = await rotatePat(timed, { cookie: await cookieFor(timed, user) }, token.id);
      expect(response.statusCode).toBe(200);
      const rotated = response.json().token;
      const now = clock.now().getTime();
      // Its lifetime again, counted from the rotation: exactly the maximum, never more.
      expect(Date.parse(rotated.expires_at)).toBe(now + 366 * DAY);
      // The list keeps saying when the token was made.
      expect(rotated.created_at).toBe(token.created_at);
      expect(rotated.status).toBe('active');
    }
  });

  it('keeps the lifetime of a shorter token, and cuts it to a maximum lowered since', async () => {
    const { clock, timed } = await appWithOwnClock();
    const stricter = await buildAppForTest(store, { clock, env: { TOKEN_MAX_LIFETIME_DAYS: '90' } });
    const user = await signUp(timed);
    const short = await createPat(timed, user, { expires_in_days: 7 });
    const long = await createPat(timed, user, { expires_in_days: 300 });
    clock.advance(3 * DAY);
    const cookie = await cookieFor(timed, user);
    const again = (await rotatePat(timed, { cookie }, short.token.id)).json().token;
    expect(Date.parse(again.expires_at)).toBe(clock.now().getTime() + 7 * DAY);
    const cut = await rotatePat(stricter, { cookie }, long.token.id);
    expect(cut.statusCode).toBe(200);
    expect(Date.parse(cut.json().token.expires_at)).toBe(clock.now().getTime() + 90 * DAY);
  });

  it('takes a new expiry like creation does, and refuses one beyond the maximum with 422 (the old secret stays)', async () => {
    const { clock, timed } = await appWithOwnClock();
    const user = await signUp(timed);
    const { token, secret } = await createPat(timed, user, { expires_in_days: 30 });
    const beyond = await rotatePat(timed, user, token.id, { expires_in_days: 367 });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().code).toBe('policy_violation');
    expect((await timed.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);

    const shorter = await rotatePat(timed, user, token.id, { expires_in_days: 5 });
    expect(shorter.statusCode).toBe(200);
    expect(Date.parse(shorter.json().token.expires_at)).toBe(clock.now().getTime() + 5 * DAY);
    const forever = await rotatePat(timed, user, token.id, { expires_in_days: null });
    expect(forever.json().token.expires_at).toBeNull();

    expect((await rotatePat(timed, user, token.id, { expires_in_days: 0 })).statusCode).toBe(400);
    expect((await rotatePat(timed, user, token.id, { expires_at: '2030-01-01T00:00:00Z' })).statusCode).toBe(
      400,
    );
  });

  it('keeps a token without expiry without one, unless the policy now requires expiry (then the maximum)', async () => {
    const clock = testClock();
    const lenient = await buildAppForTest(store, { clock });
    const strict = await buildAppForTest(store, {
      clock,
      env: { TOKEN_REQUIRE_EXPIRY: 'true', TOKEN_MAX_LIFETIME_DAYS: '60' },
    });
    const user = await signUp(lenient);
    const { token } = await createPat(lenient, user, { expires_in_days: null });
    expect((await rotatePat(lenient, user, token.id)).json().token.expires_at).toBeNull();
    const refused = await rotatePat(strict, user, token.id, { expires_in_days: null });
    expect(refused.statusCode).toBe(422);
    const capped = await rotatePat(strict, user, token.id);
    expect(Date.parse(capped.json().token.expires_at)).toBe(clock.now().getTime() + 60 * DAY);
  });

  it('regenerates an expired token: active again with a new expiry, audited as such', async () => {
    const { clock, timed } = await appWithOwnClock();
    const user = await signUp(timed);
    const { token, secret } = await createPat(timed, user, { expires_in_days: 1 });
    clock.advance(2 * DAY);
    expect((await timed.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);
    const cookie = await cookieFor(timed, user);
    const expired = await timed.inject({ url: `/api/account/tokens/${token.id}`, headers: { cookie } });
    expect(expired.json().status).toBe('expired');

    const response = await rotatePat(timed, { cookie }, token.id, { expires_in_days: 14 });
    expect(response.statusCode).toBe(200);
    const { token: regenerated, secret: fresh } = response.json();
    expect(regenerated.status).toBe('active');
    expect(Date.parse(regenerated.expires_at)).toBe(clock.now().getTime() + 14 * DAY);
    expect((await timed.inject({ url: '/api/me', headers: bearer(fresh) })).statusCode).toBe(200);
    expect((await timed.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(401);

    const events = (await timed.inject({ url: '/api/account/audit-log', headers: { cookie } })).json()
      .events as Array<{ action: string; target_id: string; metadata: Record<string, unknown> }>;
    expect(events.find((e) => e.action === 'token.rotated' && e.target_id === token.id)?.metadata).toEqual({
      name: token.name,
      was_expired: true,
      previous_expires_at: expired.json().expires_at,
      expires_at: regenerated.expires_at,
      overlap: 'none',
      old_secret_valid_until: null,
    });
  });
});
