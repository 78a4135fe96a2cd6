import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import {
  bearer,
  buildAppForTest,
  signUp,
  type TestUser,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';
import { obtainCode, redeemCode } from '../../../test/oauth-flows.ts';
import type { App } from '../../platform/http/schemas.ts';

const ctx = useTestApp();

const NEW_PASSWORD = 'a brand new passphrase for tessera';

interface SessionView {
  id: string;
  type: 'web' | 'app';
  client_id: string | null;
  user_agent: string | null;
  created_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  expires_at: string;
  current: boolean;
}

/** A sign-in request sent by this user agent, which must succeed (200). */
async function signInFrom(target: App, userAgent: string, url: string, payload: Record<string, unknown>) {
  const response = await target.inject({
    method: 'POST',
    url,
    headers: { 'user-agent': userAgent },
    payload,
  });
  expect(response.statusCode).toBe(200);
  return response;
}

/** Signs the user in again on the web, as another browser; returns that browser's Cookie header. */
async function logIn(
  user: Pick<TestUser, 'email' | 'password'>,
  userAgent = 'Browser/2.0',
  target = ctx.app,
) {
  const response = await signInFrom(target, userAgent, '/api/auth/login', {
    email: user.email,
    password: user.password,
  });
  const value = response.cookies.find((c) => c.name === 'tessera_session')!.value;
  return { cookie: `tessera_session=${value}`, token: value };
}

/** A new user signed in twice on the web: the sign-up's browser (`user`) and another one (`other`). */
async function signedInTwice() {
  const user = await signUp(ctx.app);
  return { user, other: await logIn(user) };
}

/** An app sign-in (OAuth password grant of the first-party CLI). */
async function appSignIn(
  user: Pick<TestUser, 'email' | 'password'>,
  userAgent = 'tessera-cli/1.0',
  target = ctx.app,
) {
  const response = await signInFrom(target, userAgent, '/api/auth/token', {
    grant_type: 'password',
    username: user.email,
    password: user.password,
  });
  return response.json() as { access_token: string; refresh_token: string };
}

function refresh(refreshToken: string, userAgent = 'tessera-cli/1.0') {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/auth/token',
    headers: { 'user-agent': userAgent },
    payload: { grant_type: 'refresh_token', refresh_token: refreshToken },
  });
}

async function listSessions(headers: Record<string, string>, target = ctx.app): Promise<SessionView[]> {
  const response = await target.inject({ url: '/api/account/sessions', headers });
  expect(response.statusCode).toBe(200);
  return response.json().sessions;
}

function revokeSession(id: string, headers: Record<string, string>, payload?: Record<string, unknown>) {
  return ctx.app.inject({
    method: 'DELETE',
    url: `/api/account/sessions/${id}`,
    headers,
    ...(payload ? { payload } : {}),
  });
}

function revokeOthers(headers: Record<string, string>, payload: Record<string, unknown>, target = ctx.app) {
  return target.inject({
    method: 'POST',
    url: '/api/account/sessions/revoke-others',
    headers,
    payload,
  });
}

function changePassword(headers: Record<string, string>, payload: Record<string, unknown>, target = ctx.app) {
  return target.inject({ method: 'POST', url: '/api/account/password', headers, payload });
}

async function status(url: string, headers: Record<string, string>) {
  return (await ctx.app.inject({ url, headers })).statusCode;
}

const me = (headers: Record<string, string>) => status('/api/me', headers);

/**
 * What an app sign-in's tokens get now: the status of /api/me with its access token, then of a
 * refresh with its refresh token (which rotates it when it still works).
 */
async function appSignInAnswers(tokens: { access_token: string; refresh_token: string }) {
  return {
    me: await me(bearer(tokens.access_token)),
    refresh: (await refresh(tokens.refresh_token)).statusCode,
  };
}

async function auditActions(cookie: string) {
  const response = await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return response.json().events as Array<{
    action: string;
    outcome: string;
    metadata: Record<string, unknown>;
  }>;
}

/** A problem+json refusal: this status and this code. */
function expectRefused(
  response: { statusCode: number; json(): { code: string } },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(response.json().code).toBe(code);
}

function expectFieldError(
  response: { statusCode: number; json(): { code: string; errors?: Array<{ path: string }> } },
  path: string,
) {
  expect(response.statusCode).toBe(400);
  const body = response.json();
  expect(body.code).toBe('invalid_request');
  expect(body.errors?.map((e) => e.path)).toContain(path);
}

describe('GET /api/account/sessions', () => {
  it('lists web sessions and app sign-ins with the current one marked and the user agent recorded', async () => {
    const user = await signUp(ctx.app);
    const browser = await logIn(user, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    const cli = await appSignIn(user, 'tessera-cli/1.2.3 (linux)');

    const byCookie = await listSessions({ cookie: browser.cookie });
    expect(byCookie).toHaveLength(3);
    expect(byCookie.filter((s) => s.type === 'web')).toHaveLength(2);
    const current = byCookie.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({
      type: 'web',
      client_id: null,
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    });
    const appEntry = byCookie.find((s) => s.type === 'app')!;
    expect(appEntry).toMatchObject({
      client_id: 'tessera-cli',
      user_agent: 'tessera-cli/1.2.3 (linux)',
      current: false,
    });
    expect(appEntry.id).toMatch(/^fam_/);
    for (const session of byCookie) {
      expect(Object.keys(session).sort()).toEqual([
        'client_id',
        'created_at',
        'current',
        'expires_at',
        'id',
        'last_used_at',
        'last_used_ip',
        'type',
        'user_agent',
      ]);
      expect(new Date(session.expires_at).getTime()).toBeGreaterThan(Date.now());
    }

    const byToken = await listSessions(bearer(cli.access_token));
    expect(byToken.filter((s) => s.current).map((s) => s.id)).toEqual([appEntry.id]);
  });

  it('never shows a token, a hash or a preview', async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    const response = await ctx.app.inject({ url: '/api/account/sessions', headers: { cookie: user.cookie } });
    expect(response.headers['cache-control']).toBe('no-store');
    for (const secret of [user.sessionToken, cli.access_token, cli.refresh_token]) {
      expect(response.body).not.toContain(secret);
      expect(response.body).not.toContain(secret.slice(0, 12));
    }
    expect(response.body).not.toMatch(/tes_(ses|acc|ref|pat|aut)_/);
    expect(response.body).not.toMatch(/[0-9a-f]{64}/);
    expect(response.body).not.toContain('preview');
  });

  it('shows the last use and its address, and sorts by most recent activity', async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    await ctx.app.inject({ url: '/api/me', headers: bearer(cli.access_token), remoteAddress: '203.0.113.9' });
    await ctx.app.credentials.lastUsed.flush();
    const sessions = await listSessions({ cookie: user.cookie });
    await ctx.app.credentials.lastUsed.flush();
    const appEntry = sessions.find((s) => s.type === 'app')!;
    expect(appEntry.last_used_ip).toBe('203.0.113.9');
    expect(appEntry.last_used_at).not.toBeNull();
    const activity = sessions.map((s) => Date.parse(s.last_used_at ?? s.created_at));
    expect([...activity].sort((a, b) => b - a)).toEqual(activity);
  });

  it('keeps one entry per app sign-in across refreshes: same id, first sign-in time, latest user agent', async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user, 'tessera-cli/1.0');
    const [before] = (await listSessions({ cookie: user.cookie })).filter((s) => s.type === 'app');
    const refreshed = await refresh(cli.refresh_token, 'tessera-cli/1.1');
    expect(refreshed.statusCode).toBe(200);
    const after = (await listSessions({ cookie: user.cookie })).filter((s) => s.type === 'app');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: before!.id,
      created_at: before!.created_at,
      user_agent: 'tessera-cli/1.1',
    });
  });

  it('records the user agent of an authorization-code sign-in (the app redeeming the code)', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    const redeemed = await redeemCode(ctx.app, { code, redirectUri, verifier });
    expect(redeemed.statusCode).toBe(200);
    // redeemCode sends no User-Agent of its own: light-my-request's default is what the app said.
    const [entry] = (await listSessions({ cookie: user.cookie })).filter((s) => s.type === 'app');
    expect(entry).toMatchObject({ client_id: 'tessera-cli', user_agent: 'lightMyRequest' });
  });

  it('cuts a long user agent to 512 characters', async () => {
    const user = await signUp(ctx.app);
    await logIn(user, `Agent/${'x'.repeat(1000)}`);
    const sessions = await listSessions({ cookie: user.cookie });
    expect(Math.max(...sessions.map((s) => s.user_agent?.length ?? 0))).toBe(512);
  });

  it('leaves out signed-out, revoked and expired sign-ins', async () => {
    const clock = testClock();
    const timed = await buildAppForTest(ctx.store, { clock });
    const user = await signUp(timed);
    const other = await logIn(user, 'Old/1.0', timed);
    await timed.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: other.cookie } });
    await appSignIn(user, 'tessera-cli/1.0', timed);
    expect((await listSessions({ cookie: user.cookie }, timed)).map((s) => s.type).sort()).toEqual([
      'app',
      'web',
    ]);
    // 31 days on: the refresh token (30 days) has expired; a fresh sign-in is the only entry.
    clock.advance(31 * 24 * 60 * 60 * 1000);
    const fresh = await logIn(user, 'New/1.0', timed);
    const sessions = await listSessions({ cookie: fresh.cookie }, timed);
    expect(sessions.map((s) => [s.type, s.user_agent, s.current])).toEqual([['web', 'New/1.0', true]]);
  });
});

describe('DELETE /api/account/sessions/{id}', () => {
  it("answers 404 for another user's web session or app sign-in, and leaves them active", async () => {
    const victim = await signUp(ctx.app);
    const victimApp = await appSignIn(victim);
    const victimSessions = await listSessions({ cookie: victim.cookie });
    const attacker = await signUp(ctx.app);

    const unknown = await revokeSession(
      'ses_doesnotexist',
      { cookie: attacker.cookie },
      { password: attacker.password },
    );
    for (const session of victimSessions) {
      const response = await revokeSession(
        session.id,
        { cookie: attacker.cookie },
        { password: attacker.password },
      );
      expectRefused(response, 404, 'not_found');
      expect(response.body).toBe(unknown.body);
    }
    expect(await me({ cookie: victim.cookie })).toBe(200);
    expect(await appSignInAnswers(victimApp)).toEqual({ me: 200, refresh: 200 });
  });

  it('ends another web session at once; the caller and the app sign-in keep working', async () => {
    const { user, other } = await signedInTwice();
    const cli = await appSignIn(user);
    const target = (await listSessions({ cookie: other.cookie })).find((s) => s.current)!;

    const response = await revokeSession(target.id, { cookie: user.cookie }, { password: user.password });
    expect(response.statusCode).toBe(204);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await me({ cookie: other.cookie })).toBe(401);
    expect(await me({ cookie: user.cookie })).toBe(200);
    expect(await me(bearer(cli.access_token))).toBe(200);
    const events = await auditActions(user.cookie);
    expect(events[0]).toMatchObject({
      action: 'session.revoked',
      outcome: 'success',
      metadata: { type: 'web' },
    });
  });

  it('ends an app sign-in: its access token and refresh token are refused at once', async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    const otherCli = await appSignIn(user);
    const family = (await listSessions(bearer(cli.access_token))).find((s) => s.current)!;

    const response = await revokeSession(family.id, { cookie: user.cookie }, { password: user.password });
    expect(response.statusCode).toBe(204);
    expect(await me(bearer(cli.access_token))).toBe(401);
    const reuse = await refresh(cli.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error).toBe('invalid_grant');
    expect(await me(bearer(otherCli.access_token))).toBe(200);
    expect(await me({ cookie: user.cookie })).toBe(200);
  });

  it('needs the password to end another sign-in: missing or wrong → 400 on body.password, nothing ends', async () => {
    const { user, other } = await signedInTwice();
    const target = (await listSessions({ cookie: other.cookie })).find((s) => s.current)!;

    expectFieldError(await revokeSession(target.id, { cookie: user.cookie }), 'body.password');
    const wrong = await revokeSession(
      target.id,
      { cookie: user.cookie },
      { password: 'not the password at all' },
    );
    expectFieldError(wrong, 'body.password');
    expect(wrong.body).not.toContain('not the password at all');
    expect(await me({ cookie: other.cookie })).toBe(200);
    const events = await auditActions(user.cookie);
    expect(events[0]).toMatchObject({ action: 'session.revoked', outcome: 'failure' });
  });

  it('ends the caller’s own web session without a password and clears the cookie', async () => {
    const user = await signUp(ctx.app);
    const own = (await listSessions({ cookie: user.cookie })).find((s) => s.current)!;
    const response = await revokeSession(own.id, { cookie: user.cookie });
    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/^tessera_session=;/);
    expect(await me({ cookie: user.cookie })).toBe(401);
  });

  it('ends the caller’s own app sign-in when asked with its access token', async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    const own = (await listSessions(bearer(cli.access_token))).find((s) => s.current)!;
    const response = await revokeSession(own.id, bearer(cli.access_token), {});
    expect(response.statusCode).toBe(204);
    expect(await appSignInAnswers(cli)).toEqual({ me: 401, refresh: 400 });
    expect(await me({ cookie: user.cookie })).toBe(200);
  });

  it('refuses a cookie request from a foreign origin (CSRF) and ends nothing', async () => {
    const { user, other } = await signedInTwice();
    const target = (await listSessions({ cookie: other.cookie })).find((s) => s.current)!;
    const response = await revokeSession(
      target.id,
      { cookie: user.cookie, origin: 'https://evil.example' },
      { password: user.password },
    );
    expectRefused(response, 403, 'csrf_rejected');
    expect(await me({ cookie: other.cookie })).toBe(200);
  });
});

describe('POST /api/account/sessions/revoke-others', () => {
  it('ends every other web session and app sign-in, keeping the caller and PATs', async () => {
    const { user, other } = await signedInTwice();
    const cli = await appSignIn(user);
    const pat = (await createPat(ctx.app, user)).secret;

    const response = await revokeOthers({ cookie: user.cookie }, { password: user.password });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revoked: 2 });
    expect(await me({ cookie: other.cookie })).toBe(401);
    expect(await appSignInAnswers(cli)).toEqual({ me: 401, refresh: 400 });
    expect(await me({ cookie: user.cookie })).toBe(200);
    expect(await me(bearer(pat))).toBe(200);
    expect((await listSessions({ cookie: user.cookie })).map((s) => s.current)).toEqual([true]);
    const events = await auditActions(user.cookie);
    expect(events[0]).toMatchObject({ action: 'session.revoked_others', metadata: { count: 2 } });
  });

  it("keeps an app caller's own sign-in (access and refresh token)", async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    const otherCli = await appSignIn(user);

    const response = await revokeOthers(bearer(cli.access_token), { password: user.password });
    expect(response.json()).toEqual({ revoked: 2 });
    expect(await appSignInAnswers(cli)).toEqual({ me: 200, refresh: 200 });
    expect(await me(bearer(otherCli.access_token))).toBe(401);
    expect(await me({ cookie: user.cookie })).toBe(401);
  });

  it('needs the right password (400 on body.password) and then ends nothing', async () => {
    const { user, other } = await signedInTwice();
    expectFieldError(await revokeOthers({ cookie: user.cookie }, {}), 'body.password');
    expectFieldError(
      await revokeOthers({ cookie: user.cookie }, { password: 'wrong password here' }),
      'body.password',
    );
    expect(await me({ cookie: other.cookie })).toBe(200);
  });

  it('refuses a cross-site cookie request', async () => {
    const { user, other } = await signedInTwice();
    const response = await revokeOthers(
      { cookie: user.cookie, 'sec-fetch-site': 'cross-site' },
      { password: user.password },
    );
    expect(response.statusCode).toBe(403);
    expect(await me({ cookie: other.cookie })).toBe(200);
  });

  it('refuses a PAT with 401 interactive_credential_required', async () => {
    const user = await signUp(ctx.app);
    const pat = (await createPat(ctx.app, user)).secret;
    const response = await revokeOthers(bearer(pat), { password: user.password });
    expectRefused(response, 401, 'interactive_credential_required');
    expect(await me({ cookie: user.cookie })).toBe(200);
  });
});

describe('POST /api/account/password', () => {
  it('answers a wrong current password with 400 on body.current_password (not 401), audited', async () => {
    const { user, other } = await signedInTwice();
    const response = await changePassword(
      { cookie: user.cookie },
      { current_password: 'wrong password here', new_password: NEW_PASSWORD },
    );
    expectFieldError(response, 'body.current_password');
    expect(response.body).not.toContain('wrong password here');
    expect(response.body).not.toContain(NEW_PASSWORD);
    // Still signed in everywhere; the old password still works.
    expect(await me({ cookie: user.cookie })).toBe(200);
    expect(await me({ cookie: other.cookie })).toBe(200);
    await logIn(user);
    const events = await auditActions(user.cookie);
    expect(events.find((e) => e.action === 'password.changed')).toMatchObject({
      outcome: 'failure',
      metadata: { reason: 'wrong_password' },
    });
  });

  it('counts wrong current passwords in the per-account throttle: 429 once it trips, sign-in too', async () => {
    const strict = await buildAppForTest(ctx.store, { env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: '3' } });
    const user = await signUp(strict);
    for (let i = 0; i < 3; i++) {
      const response = await changePassword(
        { cookie: user.cookie },
        { current_password: `wrong password ${i}`, new_password: NEW_PASSWORD },
        strict,
      );
      expect(response.statusCode).toBe(400);
    }
    const blocked = await changePassword(
      { cookie: user.cookie },
      { current_password: user.password, new_password: NEW_PASSWORD },
      strict,
    );
    expectRefused(blocked, 429, 'rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const login = await strict.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(login.statusCode).toBe(429);
    // The password did not change.
    expect(await me({ cookie: user.cookie })).toBe(200);
  });

  it.each([
    ['too short', 'short pass'],
    ['too long', 'x'.repeat(1025)],
    ['a common password', 'password1234'],
    ['the current password', 'correct horse battery staple'],
  ])('refuses a new password that is %s with 400 on body.new_password', async (_label, newPassword) => {
    const { user, other } = await signedInTwice();
    const response = await changePassword(
      { cookie: user.cookie },
      { current_password: user.password, new_password: newPassword },
    );
    expectFieldError(response, 'body.new_password');
    expect(await me({ cookie: other.cookie })).toBe(200);
  });

  it('refuses unknown body members', async () => {
    const user = await signUp(ctx.app);
    const response = await changePassword(
      { cookie: user.cookie },
      { current_password: user.password, new_password: NEW_PASSWORD, user_id: 'usr_x' },
    );
    expect(response.statusCode).toBe(400);
  });

  it('changes the password and ends every other sign-in, keeping the caller and PATs', async () => {
    const { user, other } = await signedInTwice();
    const cli = await appSignIn(user);
    const pat = (await createPat(ctx.app, user)).secret;

    const response = await changePassword(
      { cookie: user.cookie },
      { current_password: user.password, new_password: NEW_PASSWORD },
    );
    expect(response.statusCode).toBe(204);
    expect(response.headers['cache-control']).toBe('no-store');

    const oldLogin = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(oldLogin.statusCode).toBe(401);
    await logIn({ email: user.email, password: NEW_PASSWORD });

    expect(await me({ cookie: other.cookie })).toBe(401);
    expect(await me(bearer(cli.access_token))).toBe(401);
    const reuse = await refresh(cli.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error).toBe('invalid_grant');
    expect(await me({ cookie: user.cookie })).toBe(200);
    expect(await me(bearer(pat))).toBe(200);

    const stored = await ctx.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const events = await auditActions(user.cookie);
    expect(events.find((e) => e.action === 'password.changed')).toMatchObject({
      outcome: 'success',
      metadata: { revoked_sessions: 2 },
    });
  });

  it("keeps an app caller's own sign-in when it changes the password", async () => {
    const user = await signUp(ctx.app);
    const cli = await appSignIn(user);
    const response = await changePassword(bearer(cli.access_token), {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(204);
    expect(await appSignInAnswers(cli)).toEqual({ me: 200, refresh: 200 });
    expect(await me({ cookie: user.cookie })).toBe(401);
  });

  it('refuses a cookie request from a foreign origin (CSRF) and changes nothing', async () => {
    const user = await signUp(ctx.app);
    const response = await changePassword(
      { cookie: user.cookie, origin: 'https://evil.example' },
      { current_password: user.password, new_password: NEW_PASSWORD },
    );
    expectRefused(response, 403, 'csrf_rejected');
    await logIn(user);
  });
});
