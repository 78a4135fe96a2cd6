import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../test/fixtures/accounts.ts';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  TEST_PASSWORD,
  uniqueEmail,
  useTestApp,
} from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

const ctx = useTestApp();

/** `POST /api/auth/login` on `app` (the file's unless given), `extra` added to the request: the answer. */
const logIn = (email: string, password: string, extra: Partial<InjectOptions> = {}, app: App = ctx.app) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, ...extra });

/** `POST /api/auth/logout` with these headers (a session cookie, the browser's Origin…): the answer. */
const logOut = (headers: Record<string, string>) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers });

describe('sign-up', () => {
  it('creates the user, sets the session cookie and answers 201 { user }', async () => {
    const email = uniqueEmail();
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email, password: TEST_PASSWORD, name: 'Ada' },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user).toMatchObject({ email, name: 'Ada' });
    expect(Object.keys(body.user).sort()).toEqual(['created_at', 'email', 'id', 'name']);
    const cookie = response.headers['set-cookie'] as string;
    expect(cookie).toMatch(/^tessera_session=tes_ses_[0-9A-Za-z]{46};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Domain');
    expect(cookie).not.toContain('Secure');
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secureApp = await buildAppForTest(ctx.store, { env: { PUBLIC_URL: 'https://tessera.example' } });
    const response = await secureApp.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: uniqueEmail(), password: TEST_PASSWORD },
    });
    expect(response.headers['set-cookie']).toContain('Secure');
  });

  it('answers 409 conflict for a taken e-mail, whatever its case', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: user.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('conflict');
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it.each([
    ['a short password', { email: 'x@example.test', password: 'short' }, 'body.password'],
    [
      'a password over 1024 characters',
      { email: 'x@example.test', password: 'a'.repeat(1025) },
      'body.password',
    ],
    ['a bad e-mail', { email: 'not-an-email', password: TEST_PASSWORD }, 'body.email'],
    ['a missing e-mail', { password: TEST_PASSWORD }, 'body.email'],
  ])('rejects %s with 400 invalid_request naming the field', async (_label, payload, path) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/api/auth/signup', payload });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('invalid_request');
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(response.body).not.toContain(TEST_PASSWORD);
  });

  it('rejects a common password with its own field code, distinct from a short one', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: uniqueEmail(), password: 'passwordpassword' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'body.password', message: 'is too common', code: 'too_common' },
    ]);
    const short = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: uniqueEmail(), password: 'short' },
    });
    expect(short.json().errors).toEqual([
      { path: 'body.password', message: expect.any(String), code: 'too_short' },
    ]);
  });

  it('accepts long passwords with spaces, emoji and non-Latin characters, without truncation', async () => {
    const password = `密码 with spaces 🔑 ${'x'.repeat(80)}`;
    const user = await signUp(ctx.app, uniqueEmail(), password);
    const ok = await logIn(user.email, password);
    expect(ok.statusCode).toBe(200);
    const truncated = await logIn(user.email, password.slice(0, -1));
    expect(truncated.statusCode).toBe(401);
  });

  it('stores an argon2id hash with OWASP parameters and a unique salt', async () => {
    const a = await signUp(ctx.app);
    const b = await signUp(ctx.app);
    const rows = await ctx.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', 'in', [a.id, b.id])
      .execute();
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });

  it('rejects a body with __proto__ without polluting objects', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"${uniqueEmail()}","password":"${TEST_PASSWORD}","__proto__":{"polluted":true}}`,
    });
    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('login and logout', () => {
  it('logs in with the right password and answers the same 401 for unknown e-mail and wrong password', async () => {
    const user = await signUp(ctx.app);
    const ok = await logIn(user.email.toUpperCase(), user.password);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.id).toBe(user.id);

    const wrong = await logIn(user.email, 'wrong password here');
    const unknown = await logIn(uniqueEmail('nobody'), 'wrong password here');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json().code).toBe('invalid_credentials');
  });

  it('does not accept a different case of the password', async () => {
    const user = await signUp(ctx.app, uniqueEmail(), 'Secret Password Here');
    const response = await logIn(user.email, 'secret password here');
    expect(response.statusCode).toBe(401);
  });

  it('issues a fresh session at login (no fixation) and revokes it at logout', async () => {
    const user = await signUp(ctx.app);
    const login = await logIn(user.email, user.password);
    const session = login.cookies.find((c) => c.name === 'tessera_session')!.value;
    expect(session).not.toBe(user.sessionToken);
    const cookie = `tessera_session=${session}`;
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    const logout = await logOut({ cookie });
    expect(logout.statusCode).toBe(204);
    const replay = await ctx.app.inject({ url: '/api/me', headers: { cookie } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('unauthenticated');
    // The other session is untouched.
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
  });

  it('throttles repeated failures on one account with 429 and Retry-After, whatever the IP', async () => {
    const strict = await buildAppForTest(ctx.store, { env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: '3' } });
    const user = await signUp(strict);
    for (let i = 0; i < 3; i++) {
      const r = await logIn(user.email, 'wrong password here', { remoteAddress: `10.0.0.${i + 1}` }, strict);
      expect(r.statusCode).toBe(401);
    }
    const blocked = await logIn(user.email, user.password, { remoteAddress: '10.0.0.99' }, strict);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rate-limits sign-in per client address', async () => {
    const strict = await buildAppForTest(ctx.store, { env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: '2' } });
    const attempt = () => logIn(uniqueEmail(), 'whatever whatever', {}, strict);
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['x-ratelimit-limit']).toBe('2');
  });
});

describe('GET /api/me', () => {
  it('answers 401 unauthenticated with a bare Bearer challenge when no credential is sent', async () => {
    const response = await ctx.app.inject({ url: '/api/me' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera"');
    expect(response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('describes a session and an access token as interactive credentials with every scope', async () => {
    const user = await signUp(ctx.app);
    const bySession = (await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).json();
    expect(bySession.user.id).toBe(user.id);
    expect(bySession.credential.kind).toBe('session');
    expect(bySession.credential.scopes).toContain('agents:write');
    const { access_token } = await accessTokenFor(ctx.app, user);
    const byToken = (await ctx.app.inject({ url: '/api/me', headers: bearer(access_token) })).json();
    expect(byToken.credential.kind).toBe('access');
  });

  it('judges a request with both a bearer token and a cookie by the bearer token', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      url: '/api/me',
      headers: { cookie: user.cookie, authorization: `Bearer tes_acc_${'a'.repeat(46)}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('invalid_token');
  });
});

describe('CSRF (cookie-authenticated unsafe requests)', () => {
  it('refuses a foreign Origin and Sec-Fetch-Site: cross-site with 403 csrf_rejected', async () => {
    const user = await signUp(ctx.app);
    const foreign = await logOut({ cookie: user.cookie, origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('csrf_rejected');
    const crossSite = await logOut({ cookie: user.cookie, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.statusCode).toBe(403);
    // Still signed in: nothing changed.
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
    const sameOrigin = await logOut({
      cookie: user.cookie,
      origin: 'http://localhost:3000',
      'sec-fetch-site': 'same-origin',
    });
    expect(sameOrigin.statusCode).toBe(204);
  });

  it('refuses a cross-site sign-in (login CSRF)', async () => {
    const user = await signUp(ctx.app);
    const response = await logIn(user.email, user.password, { headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
  });
});

describe('deleting the account', () => {
  it('revokes every credential of the user at once', async () => {
    const user = await signUp(ctx.app);
    const { access_token } = await accessTokenFor(ctx.app, user);
    expect((await ctx.app.inject({ url: '/api/me', headers: bearer(access_token) })).statusCode).toBe(200);
    const response = await deleteAccount(ctx.app, user);
    expect(response.statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/me', headers: bearer(access_token) })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
  });
});

describe('deleting the account: the password confirmation', () => {
  it('is throttled and audited like every password check: 14 wrong guesses with an access token get 429 from the 11th', async () => {
    const strict = await buildAppForTest(ctx.store, { env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: '10' } });
    const user = await signUp(strict);
    const { access_token } = await accessTokenFor(strict, user);
    const answers = [];
    for (let i = 0; i < 14; i++) {
      answers.push(
        await strict.inject({
          method: 'DELETE',
          url: '/api/account',
          headers: bearer(access_token),
          payload: { password: `wrong guess number ${i}` },
        }),
      );
    }
    expect(answers.map((answer) => answer.statusCode)).toEqual([
      ...Array(10).fill(400),
      ...Array(4).fill(429),
    ]);
    // A wrong password is a mistake in the form (like the password change), never a sign-out.
    expect(answers[0]!.json()).toMatchObject({
      code: 'invalid_request',
      errors: [{ path: 'body.password', message: 'is not right' }],
    });
    expect(answers[0]!.body).not.toContain('wrong guess');
    expect(answers[13]!.json().code).toBe('rate_limited');
    expect(Number(answers[13]!.headers['retry-after'])).toBeGreaterThan(0);
    // Locked: the right password is refused too, and the account is still there.
    const right = await strict.inject({
      method: 'DELETE',
      url: '/api/account',
      headers: bearer(access_token),
      payload: { password: user.password },
    });
    expect(right.statusCode).toBe(429);
    expect((await strict.inject({ url: '/api/me', headers: bearer(access_token) })).statusCode).toBe(200);
    expect((await strict.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);

    const events = (
      await strict.inject({ url: '/api/account/audit-log?limit=100', headers: { cookie: user.cookie } })
    ).json().events as Array<{ action: string; outcome: string; metadata: Record<string, unknown> }>;
    const failures = events.filter((e) => e.action === 'account.deleted' && e.outcome === 'failure');
    expect(failures).toHaveLength(10);
    expect(failures[0]!.metadata).toEqual({ reason: 'wrong_password' });
    expect(events.filter((e) => e.action === 'auth.throttled')).toHaveLength(5);
  });

  it('does not clear the session cookie on a wrong password', async () => {
    const user = await signUp(ctx.app);
    const response = await deleteAccount(ctx.app, user, 'not my password at all');
    expect(response.statusCode).toBe(400);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
  });
});
