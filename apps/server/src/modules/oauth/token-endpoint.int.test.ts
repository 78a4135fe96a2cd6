import { describe, expect, it } from 'vitest';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';
import { oauthForm, tokenForm } from '../../../test/oauth-flows.ts';
import type { App } from '../../platform/http/schemas.ts';

const ctx = useTestApp();

/** A new user signed in through the password grant: the user and the token pair. */
async function signedInWithTokens() {
  const user = await signUp(ctx.app);
  return { user, tokens: await accessTokenFor(ctx.app, user) };
}

/** POST /api/auth/token with a JSON body. */
const requestToken = (payload: Record<string, unknown>, target: App = ctx.app) =>
  target.inject({ method: 'POST', url: '/api/auth/token', payload });

const refreshWith = (refreshToken: string, target: App = ctx.app) =>
  requestToken({ grant_type: 'refresh_token', refresh_token: refreshToken }, target);

/** POST /api/oauth/revoke (RFC 7009) with a JSON body. */
const revokeToken = (payload: Record<string, string>) =>
  ctx.app.inject({ method: 'POST', url: '/api/oauth/revoke', payload });

/** The status GET /api/me answers a bearer token. */
const meStatus = async (token: string, target: App = ctx.app) =>
  (await target.inject({ url: '/api/me', headers: bearer(token) })).statusCode;

describe('password grant', () => {
  it('mints a 900 s access token and a refresh token, form-encoded, with Cache-Control: no-store', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject(
      tokenForm({ grant_type: 'password', username: user.email, password: user.password }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.access_token).toMatch(/^tes_acc_[0-9A-Za-z]{46}$/);
    expect(body.refresh_token).toMatch(/^tes_ref_[0-9A-Za-z]{46}$/);
    const me = await ctx.app.inject({ url: '/api/me', headers: bearer(body.access_token) });
    expect(me.json().credential.kind).toBe('access');
  });

  it('answers invalid_grant (RFC 6749 shape, not problem+json) for a wrong password or unknown user', async () => {
    const user = await signUp(ctx.app);
    const wrong = await requestToken({
      grant_type: 'password',
      username: user.email,
      password: 'not the password',
    });
    const unknown = await requestToken({
      grant_type: 'password',
      username: 'nobody@example.test',
      password: 'not the password',
    });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    }
    expect(wrong.body).toBe(unknown.body);
  });

  it.each([
    ['no grant_type', {}, 400, 'invalid_request'],
    ['an unknown grant_type', { grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
    [
      'an unknown client',
      { grant_type: 'password', client_id: 'evil-app', username: 'a', password: 'b' },
      401,
      'invalid_client',
    ],
    ['a missing password', { grant_type: 'password', username: 'a@example.test' }, 400, 'invalid_request'],
    ['a missing refresh token', { grant_type: 'refresh_token' }, 400, 'invalid_request'],
  ])('answers %s with an RFC 6749 error', async (_label, payload, status, error) => {
    const response = await requestToken(payload);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(error);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('rejects non-string parameters', async () => {
    const response = await requestToken({
      grant_type: 'password',
      username: ['a', 'b'],
      password: { $ne: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_request');
  });

  it('is rate limited', async () => {
    const strict = await buildAppForTest(ctx.store, { env: { RATE_LIMIT_TOKEN_ENDPOINT_PER_MINUTE: '2' } });
    for (let i = 0; i < 2; i++) {
      await requestToken({ grant_type: 'password' }, strict);
    }
    const limited = await requestToken({ grant_type: 'password' }, strict);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('refresh_token grant', () => {
  it('rotates: a new pair, and the spent refresh token cannot be used again', async () => {
    const { tokens: first } = await signedInWithTokens();
    const refreshed = await ctx.app.inject(
      tokenForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
    );
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.headers['cache-control']).toBe('no-store');
    const second = refreshed.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(await meStatus(second.access_token)).toBe(200);
  });

  it('revokes the whole family when a spent refresh token is reused', async () => {
    const { user, tokens: first } = await signedInWithTokens();
    const second = (await refreshWith(first.refresh_token)).json();
    // An attacker replays the first refresh token.
    const replay = await refreshWith(first.refresh_token);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toBe('invalid_grant');
    // Every token of the family is dead, including the legitimate newest pair.
    expect(await meStatus(second.access_token)).toBe(401);
    const legit = await refreshWith(second.refresh_token);
    expect(legit.statusCode).toBe(400);
    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events;
    expect(events.map((e: { action: string }) => e.action)).toContain('auth.refresh_family_revoked');
    // Other sign-ins of the user are untouched.
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const { tokens: first } = await signedInWithTokens();
    const [a, b] = await Promise.all([1, 2].map(() => refreshWith(first.refresh_token)));
    const statuses = [a!.statusCode, b!.statusCode].sort();
    expect(statuses).toEqual([200, 400]);
  });

  it('refuses an expired refresh token, an access token, and a PAT as refresh tokens', async () => {
    const clock = testClock();
    const timed = await buildAppForTest(ctx.store, { clock });
    const user = await signUp(timed);
    const pair = await accessTokenFor(timed, user);
    for (const token of [pair.access_token, `tes_ref_${'a'.repeat(46)}`]) {
      const response = await refreshWith(token, timed);
      expect(response.json().error).toBe('invalid_grant');
    }
    clock.advance(31 * 86_400_000);
    const expired = await refreshWith(pair.refresh_token, timed);
    expect(expired.json().error).toBe('invalid_grant');
  });

  it('expires access tokens after 900 seconds', async () => {
    const clock = testClock();
    const timed = await buildAppForTest(ctx.store, { clock });
    const user = await signUp(timed);
    const pair = await accessTokenFor(timed, user);
    clock.advance(899_000);
    expect(await meStatus(pair.access_token, timed)).toBe(200);
    clock.advance(2_000);
    expect(await meStatus(pair.access_token, timed)).toBe(401);
  });
});

describe('logout with an access token', () => {
  it('revokes the access token and its refresh family', async () => {
    const { tokens: pair } = await signedInWithTokens();
    const logout = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: bearer(pair.access_token),
    });
    expect(logout.statusCode).toBe(204);
    expect(await meStatus(pair.access_token)).toBe(401);
    const refresh = await refreshWith(pair.refresh_token);
    expect(refresh.statusCode).toBe(400);
  });
});

describe('POST /api/oauth/revoke (RFC 7009)', () => {
  it('revokes an access token, answers 200 for garbage, and refuses unsupported hints', async () => {
    const { tokens: pair } = await signedInWithTokens();
    const revoke = await ctx.app.inject(
      oauthForm('/api/oauth/revoke', { token: pair.access_token, token_type_hint: 'access_token' }),
    );
    expect(revoke.statusCode).toBe(200);
    expect(await meStatus(pair.access_token)).toBe(401);
    const garbage = await revokeToken({ token: 'garbage' });
    expect(garbage.statusCode).toBe(200);
    const hint = await revokeToken({ token: 'x', token_type_hint: 'id_token' });
    expect(hint.json().error).toBe('unsupported_token_type');
  });

  it('revoking a refresh token ends its family', async () => {
    const { tokens: pair } = await signedInWithTokens();
    await revokeToken({ token: pair.refresh_token });
    expect(await meStatus(pair.access_token)).toBe(401);
  });
});
