import { describe, expect, it, vi } from 'vitest';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  type TestUser,
  useTestStore,
} from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

// Counts the argon2 verifications that really run (the real function does the work), so the tests
// can assert how many password checks got past the per-account budget without relying on timing.
const argon2Calls = vi.hoisted(() => ({ verify: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      argon2Calls.verify += 1;
      return real.verify(...args);
    },
  };
});

const LIMIT = 10;
const WRONG = 'not the password at all';
const redisUrl = process.env.TEST_REDIS_URL;

const file = useTestStore();

/** Every way a password is checked, each with a wrong password for `user`. */
function wrongAttempts(app: App, user: TestUser, accessToken: string) {
  return [
    () =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: WRONG } }),
    () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { grant_type: 'password', username: user.email, password: WRONG },
      }),
    () =>
      app.inject({
        method: 'POST',
        url: '/api/account/password',
        headers: { cookie: user.cookie },
        payload: { current_password: WRONG, new_password: 'a brand new password 42' },
      }),
    () =>
      app.inject({
        method: 'POST',
        url: '/api/account/sessions/revoke-others',
        headers: bearer(accessToken),
        payload: { password: WRONG },
      }),
    () =>
      app.inject({
        method: 'DELETE',
        url: '/api/account',
        headers: bearer(accessToken),
        payload: { password: WRONG },
      }),
  ];
}

async function rightLogin(app: App, user: TestUser) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email, password: user.password },
  });
}

describe('the per-account password budget under concurrency (PWD-7)', () => {
  it('lets at most RATE_LIMIT_FAILURES_PER_ACCOUNT of 15 simultaneous wrong sign-ins reach argon2; the right password then gets 429', async () => {
    const app = await buildAppForTest(file.store, {
      env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: String(LIMIT) },
    });
    const user = await signUp(app);
    const before = argon2Calls.verify;
    const answers = await Promise.all(
      Array.from({ length: 15 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: user.email, password: WRONG },
        }),
      ),
    );
    expect(argon2Calls.verify - before).toBeLessThanOrEqual(LIMIT);
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15 - LIMIT);

    const checked = argon2Calls.verify;
    const right = await rightLogin(app, user);
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('rate_limited');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(argon2Calls.verify).toBe(checked);
  });

  it('shares the budget between sign-in, the password grant and every password confirmation', async () => {
    const app = await buildAppForTest(file.store, {
      env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: String(LIMIT) },
    });
    const user = await signUp(app);
    const { access_token } = await accessTokenFor(app, user);
    const kinds = wrongAttempts(app, user, access_token);
    const before = argon2Calls.verify;
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => kinds[i % kinds.length]!()));
    expect(argon2Calls.verify - before).toBeLessThanOrEqual(LIMIT);
    expect(answers.filter((answer) => answer.statusCode === 429)).toHaveLength(15 - LIMIT);
    expect((await rightLogin(app, user)).statusCode).toBe(429);
    // Wrong confirmations never signed anyone out.
    expect((await app.inject({ url: '/api/me', headers: bearer(access_token) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
  });

  it('gives the attempt back when the check never ran (hashing shed the load)', async () => {
    const budget = 6;
    const app = await buildAppForTest(file.store, {
      env: {
        RATE_LIMIT_FAILURES_PER_ACCOUNT: String(budget),
        PASSWORD_HASH_CONCURRENCY: '1',
        PASSWORD_HASH_QUEUE_LIMIT: '1',
      },
    });
    const user = await signUp(app);
    const wrongLogin = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: WRONG },
      });
    // One hash runs, one waits, the rest are shed with 503.
    const burst = (await Promise.all(Array.from({ length: budget }, wrongLogin))).map((a) => a.statusCode);
    const checked = burst.filter((status) => status === 401).length;
    expect(burst.filter((status) => status === 503).length).toBeGreaterThanOrEqual(1);
    expect(checked + burst.filter((status) => status === 503).length).toBe(budget);
    // Only the checked attempts were spent: exactly the rest of the budget remains.
    const after: number[] = [];
    for (let i = 0; i <= budget - checked; i++) after.push((await wrongLogin()).statusCode);
    expect(after).toEqual([...Array(budget - checked).fill(401), 429]);
  });

  it('starts a fresh budget after a right password', async () => {
    const app = await buildAppForTest(file.store, { env: { RATE_LIMIT_FAILURES_PER_ACCOUNT: '3' } });
    const user = await signUp(app);
    const wrongLogin = async () =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: user.email, password: WRONG },
        })
      ).statusCode;
    expect([await wrongLogin(), await wrongLogin()]).toEqual([401, 401]);
    expect((await rightLogin(app, user)).statusCode).toBe(200);
    expect([await wrongLogin(), await wrongLogin(), await wrongLogin(), await wrongLogin()]).toEqual([
      401, 401, 401, 429,
    ]);
  });

  it.runIf(Boolean(redisUrl))(
    'holds across two instances sharing Redis: at most the limit of 15 simultaneous guesses is checked',
    async () => {
      const env = { REDIS_URL: redisUrl!, RATE_LIMIT_FAILURES_PER_ACCOUNT: String(LIMIT) };
      const a = await buildAppForTest(file.store, { env });
      const b = await buildAppForTest(file.store, { env });
      const user = await signUp(a);
      const { access_token } = await accessTokenFor(a, user);
      const kinds = [...wrongAttempts(a, user, access_token), ...wrongAttempts(b, user, access_token)];
      const before = argon2Calls.verify;
      const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => kinds[i % kinds.length]!()));
      expect(argon2Calls.verify - before).toBeLessThanOrEqual(LIMIT);
      expect(answers.filter((answer) => answer.statusCode === 429)).toHaveLength(15 - LIMIT);
      const checked = argon2Calls.verify;
      expect((await rightLogin(a, user)).statusCode).toBe(429);
      expect((await rightLogin(b, user)).statusCode).toBe(429);
      expect(argon2Calls.verify).toBe(checked);
    },
  );
});
