import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUp, type TestUser, useTestApp } from '../../../test/harness.ts';

// One hash at a time and a queue of two: a burst of sign-ins must be shed, not queued without bound.

let user: TestUser;
let pat: string;

const ctx = useTestApp({
  env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE_LIMIT: '2' },
});
beforeAll(async () => {
  user = await signUp(ctx.app);
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: { cookie: user.cookie },
    payload: { name: 'load', scopes: ['profile:read'] },
  });
  pat = created.json().secret;
});

describe('a burst of sign-ins (REL-8)', () => {
  it('sheds what the hashing queue cannot hold with 503 + Retry-After, serves the rest, and never blocks PATs', async () => {
    const logins = Array.from({ length: 40 }, () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      }),
    );
    // While the hashes run, bearer verification (no argon2, no thread pool) still answers.
    const patCheck = await ctx.app.inject({ url: '/api/me', headers: bearer(pat) });
    expect(patCheck.statusCode).toBe(200);

    const answers = await Promise.all(logins);
    const statuses = answers.map((answer) => answer.statusCode);
    // How many get a slot depends on how the store's lookups interleave (PostgreSQL answers over
    // a socket); at least one running and two queued always do, and nothing else is answered.
    const shed = answers.filter((answer) => answer.statusCode === 503);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    for (const answer of shed) {
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().code).toBe('service_unavailable');
    }

    // The burst is over: sign-in works again.
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(again.statusCode).toBe(200);
  });

  it('does not count a shed attempt as a failed password', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: user.email, password: 'not the right password at all' },
        }),
      ),
    );
    const refused = answers.filter((answer) => answer.statusCode === 401).length;
    expect(refused).toBeGreaterThanOrEqual(3);
    expect(answers.filter((answer) => answer.statusCode === 503).length).toBe(40 - refused);
    const me = (await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).json().user;
    const failures = await ctx.store.db
      .selectFrom('audit_events')
      .select('id')
      .where('user_id', '=', me.id)
      .where('action', '=', 'auth.login')
      .where('outcome', '=', 'failure')
      .execute();
    expect(failures).toHaveLength(refused);
  });
});
