import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  buildTestApp,
  createTestStore,
  signUp,
  type TestStore,
  type TestUser,
} from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

// One hash at a time and a queue of two: a burst of sign-ins must be shed, not queued without bound.
let store: TestStore;
let app: App;
let user: TestUser;
let pat: string;

beforeAll(async () => {
  store = await createTestStore();
  app = await buildTestApp(store, {
    env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE_LIMIT: '2' },
  });
  user = await signUp(app);
  const created = await app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: { cookie: user.cookie },
    payload: { name: 'load', scopes: ['profile:read'] },
  });
  pat = created.json().secret;
});
afterAll(async () => {
  await app.close();
  await store.destroy();
});

describe('a burst of sign-ins (REL-8)', () => {
  it('sheds what the hashing queue cannot hold with 503 + Retry-After, serves the rest, and never blocks PATs', async () => {
    const logins = Array.from({ length: 12 }, () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      }),
    );
    // While the hashes run, bearer verification (no argon2, no thread pool) still answers.
    const patCheck = await app.inject({ url: '/api/me', headers: bearer(pat) });
    expect(patCheck.statusCode).toBe(200);

    const answers = await Promise.all(logins);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    const shed = answers.filter((answer) => answer.statusCode === 503);
    expect(shed).toHaveLength(9);
    for (const answer of shed) {
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().code).toBe('service_unavailable');
    }

    // The burst is over: sign-in works again.
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(again.statusCode).toBe(200);
  });

  it('does not count a shed attempt as a failed password', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: user.email, password: 'not the right password at all' },
        }),
      ),
    );
    expect(answers.filter((answer) => answer.statusCode === 401)).toHaveLength(3);
    expect(answers.filter((answer) => answer.statusCode === 503)).toHaveLength(5);
    const audit = await app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
    const failures = audit
      .json()
      .events.filter(
        (event: { action: string; outcome: string }) =>
          event.action === 'auth.login' && event.outcome === 'failure',
      );
    expect(failures).toHaveLength(3);
  });
});
