import { describe, expect, it, vi } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { statementCounter } from '../../../test/fixtures/statement-counter.ts';
import { bearer, signUp, useTwoInstances } from '../../../test/harness.ts';
import type { Database, ListenOptions } from '../../platform/database/database.ts';
import { generateToken, hashToken } from './token-format.ts';

/**
 * Zero-query rejection (ADR 0022). Two instances on one store; on PostgreSQL each has its own
 * pool and LISTEN connection. B's notifications pass through a valve the tests control, so the
 * race "the client uses the new token on B before B heard of it" is driven explicitly.
 */
const statements = statementCounter();
const valve = notificationValve();

/**
 * Wraps a store's LISTEN so a test can hold notifications back (delivered late, but — as
 * PostgreSQL guarantees — no later than the answer to the listener's next round trip), drop them
 * as a lost connection would, and report the connection down and back.
 */
function notificationValve() {
  let holding = false;
  let down = false;
  let options: ListenOptions | undefined;
  const held: Array<[string, string]> = [];
  let syncs = 0;
  const release = () => {
    for (const [payload, channel] of held.splice(0)) options?.onNotification(payload, channel);
  };
  return {
    get syncs() {
      return syncs;
    },
    hold() {
      holding = true;
    },
    open() {
      holding = false;
      release();
    },
    /** The connection drops: what was held is lost. */
    drop() {
      down = true;
      held.length = 0;
      options?.onDisconnect(new Error('test: the connection dropped'));
    },
    reconnect() {
      down = false;
      options?.onReconnect();
    },
    wrap(database: Database): Database {
      return {
        ...database,
        async listen(channel, listenOptions) {
          options = listenOptions;
          const inner = await database.listen(channel, {
            ...listenOptions,
            onNotification(payload, channel) {
              if (down) return;
              if (holding) held.push([payload, channel]);
              else listenOptions.onNotification(payload, channel);
            },
          });
          return {
            get connected() {
              return !down && inner.connected;
            },
            async sync() {
              syncs += 1;
              if (down) throw new Error('down');
              await inner.sync();
              release();
            },
            notify: (target, payload) => inner.notify(target, payload),
            close: () => inner.close(),
          };
        },
      };
    },
  };
}

// A's statements are counted; B's notifications pass through the valve.
// The timed last-use flush (5 s by default) would add a statement to whatever request it lands in.
const instances = useTwoInstances({
  wrapA: statements.wrap,
  wrapB: valve.wrap,
  env: { TOKEN_LAST_USED_FLUSH_MS: '60000' },
});

describe('zero-query rejection', () => {
  it('refuses a flood of well-formed, never-issued tokens without a single store statement', async () => {
    const { a } = instances;
    const user = await signUp(a);
    const { secret } = await createPat(a, user);
    statements.reset();
    const forged = Array.from({ length: 300 }, (_, i) =>
      generateToken((['pat', 'aut', 'acc'] as const)[i % 3]!),
    );
    const answers = await Promise.all(
      forged.map((token) => a.inject({ url: '/api/me', headers: bearer(token) })),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(forged.map(() => 401));
    const cookieAnswer = await a.inject({
      url: '/api/me',
      headers: { cookie: `tessera_session=${generateToken('ses')}` },
    });
    expect(cookieAnswer.statusCode).toBe(401);
    expect(statements.count).toBe(0);
    // The filter is not a blanket refusal: an issued token still reaches the store and passes.
    expect((await a.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    expect(statements.count).toBeGreaterThan(0);
  });

  it('a token issued on A verifies on B at once, even when B hears of it only after the request arrives', async () => {
    const { a, b } = instances;
    const user = await signUp(a);
    for (let i = 0; i < 5; i++) {
      valve.hold();
      const { secret } = await createPat(a, user);
      const syncsBefore = valve.syncs;
      // B has not been told yet (the notification is held), so its filter alone says "never issued".
      expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
      // B got there by waiting for its listener to catch up, not by luck.
      expect(valve.syncs).toBe(syncsBefore + 1);
    }
    valve.open();
  });

  it('a token issued on A verifies on B immediately, many times over (no valve)', async () => {
    const { a, b } = instances;
    const user = await signUp(a);
    for (let i = 0; i < 20; i++) {
      const { secret } = await createPat(a, user);
      expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);
    }
  });

  it('rebuilds the filter when the listener reconnects, so issuances notified meanwhile are not lost', async () => {
    const { a, b } = instances;
    const user = await signUp(a);
    const never = hashToken(generateToken('pat'));
    expect(await b.credentials.issued.mightBeIssued(never)).toBe(false);
    const buildsBefore = b.credentials.issued.stats().builds;

    valve.drop();
    const { secret } = await createPat(a, user);
    // While B cannot hear issuances it asks the store rather than refuse.
    expect(await b.credentials.issued.mightBeIssued(never)).toBe(true);
    expect((await b.inject({ url: '/api/me', headers: bearer(secret) })).statusCode).toBe(200);

    valve.reconnect();
    await vi.waitFor(() => expect(b.credentials.issued.stats().ready).toBe(true), { timeout: 5_000 });
    expect(b.credentials.issued.stats().builds).toBeGreaterThan(buildsBefore);
    // The notification was lost; only the rebuild can have put the token in B's filter.
    const syncsBefore = valve.syncs;
    expect(await b.credentials.issued.mightBeIssued(hashToken(secret))).toBe(true);
    expect(valve.syncs).toBe(syncsBefore);
    expect(await b.credentials.issued.mightBeIssued(never)).toBe(false);
  });
});

describe('cold verification (issue #13)', () => {
  const rename = async (cookie: string, name: string) => {
    const response = await instances.a.inject({
      method: 'PUT',
      url: '/api/users/profile',
      headers: { cookie },
      payload: { name },
    });
    expect(response.statusCode).toBe(200);
  };

  it('answers GET /api/me after a cache miss in one statement, the owner read with the credential, and never shows a stale profile', async () => {
    const { a } = instances;
    const user = await signUp(a);
    const { secret } = await createPat(a, user);
    await rename(user.cookie, 'First Name');
    a.credentials.cache.clear();
    statements.reset();
    const cold = await a.inject({ url: '/api/me', headers: bearer(secret) });
    expect(cold.statusCode).toBe(200);
    expect(statements.count).toBe(1);
    expect(cold.json().user).toMatchObject({ id: user.id, email: user.email, name: 'First Name' });
    expect(cold.json().credential).toMatchObject({ kind: 'personal', token_id: expect.any(String) });

    // From the verification cache, the profile is read by the route: a rename shows at once.
    await rename(user.cookie, 'Second Name');
    statements.reset();
    const warm = await a.inject({ url: '/api/me', headers: bearer(secret) });
    expect(warm.json().user.name).toBe('Second Name');
    expect(statements.count).toBe(1);

    // And a later cache miss reads the owner as it is now, not as it was when first verified.
    await rename(user.cookie, 'Third Name');
    a.credentials.cache.clear();
    const coldAgain = await a.inject({ url: '/api/me', headers: bearer(secret) });
    expect(coldAgain.json().user.name).toBe('Third Name');
  });
});
