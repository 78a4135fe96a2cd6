import pg from 'pg';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createPat as createPatWith } from '../../../test/fixtures/index.ts';
import { revokePat, rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { verifyAsPromise } from '../../../test/fixtures/verify-bearer.ts';
import {
  accessTokenFor,
  bearer,
  signUp,
  storeKind,
  type TestStore,
  testClock,
  testConfig,
  useTwoInstances,
} from '../../../test/harness.ts';
import type { ListenOptions } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import { createCredentialRepository } from './credentials.repository.ts';
import {
  createCredentialService,
  INVALIDATION_ACK_CHANNEL,
  INVALIDATION_CHANNEL,
} from './credentials.service.ts';

/**
 * ADR 0039: a revoke answers only once every other instance listening to the store has
 * acknowledged evicting the credential, so the very next request anywhere is refused. Two app
 * instances on one store; on PostgreSQL each has its own pool and LISTEN connection, as separate
 * processes would (test/faults/revocation-ack.test.ts runs real processes).
 */
const ACK_TIMEOUT_MS = 400;
const instances = useTwoInstances({
  env: { REVOCATION_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS) },
  poolSize: 3,
});
let store: TestStore;
let a: App;
let b: App;
beforeAll(() => {
  ({ a, b, store } = instances);
});

const createPat = (app: App, cookie: string) => createPatWith(app, { cookie });

const me = (app: App, secret: string) => app.inject({ url: '/api/me', headers: bearer(secret) });

describe('a revoke answers after every instance evicted', () => {
  it('the very next request on B after a DELETE on A answers is refused, 50 times in a row', async () => {
    const user = await signUp(a);
    const acknowledgedBefore = a.credentials.stats.propagation.acknowledged;
    let servedAfterRevoke = 0;
    for (let i = 0; i < 50; i++) {
      const { token, secret } = await createPat(a, user.cookie);
      // B has the token cached.
      expect((await me(b, secret)).statusCode).toBe(200);
      expect((await me(b, secret)).statusCode).toBe(200);
      const revoke = await revokePat(a, user, token.id);
      expect(revoke.statusCode).toBe(204);
      if ((await me(b, secret)).statusCode !== 401) servedAfterRevoke += 1;
    }
    expect(servedAfterRevoke).toBe(0);
    // On PostgreSQL every one of them waited for B's receipt (PGlite needs none: one process).
    if (storeKind === 'postgres') {
      expect(a.credentials.stats.propagation.acknowledged - acknowledgedBefore).toBe(50);
      expect(a.credentials.stats.propagation.timed_out).toBe(0);
    }
  });

  it('revoke-all and signing out everywhere else are also in force on B when they answer', async () => {
    const user = await signUp(a);
    const first = await createPat(a, user.cookie);
    const second = await createPat(a, user.cookie);
    for (const pat of [first, second]) expect((await me(b, pat.secret)).statusCode).toBe(200);
    const revokeAll = await a.inject({
      method: 'POST',
      url: '/api/account/tokens/revoke-all',
      headers: { cookie: user.cookie },
    });
    expect(revokeAll.json()).toEqual({ revoked: 2 });
    for (const pat of [first, second]) expect((await me(b, pat.secret)).statusCode).toBe(401);

    const app = await accessTokenFor(a, user);
    expect((await me(b, app.access_token)).statusCode).toBe(200);
    const signOut = await a.inject({
      method: 'POST',
      url: '/api/account/sessions/revoke-others',
      headers: { cookie: user.cookie },
      payload: { password: user.password },
    });
    expect(signOut.statusCode).toBe(200);
    expect((await me(b, app.access_token)).statusCode).toBe(401);
  });

  it('rotation on A: the old secret is refused by B on the next request', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user.cookie);
    expect((await me(b, secret)).statusCode).toBe(200);
    const rotated = await rotatePat(a, user, token.id);
    expect(rotated.statusCode).toBe(200);
    expect((await me(b, secret)).statusCode).toBe(401);
    expect((await me(b, rotated.json().secret)).statusCode).toBe(200);
  });
});

describe.runIf(storeKind === 'postgres')('peers that do not acknowledge (PostgreSQL)', () => {
  it('a listed peer that never acknowledges delays the answer by the bounded wait only, and is counted', async () => {
    // Listens and is named like an instance, but never answers: a frozen or cut-off peer.
    const ghost = new pg.Client({
      connectionString: store.url!,
      application_name: 'tessera-listener:ins_ghost',
    });
    await ghost.connect();
    await ghost.query(`listen ${INVALIDATION_CHANNEL}`);
    onTestFinished(() => ghost.end());
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user.cookie);
    expect((await me(b, secret)).statusCode).toBe(200);
    const timedOutBefore = a.credentials.stats.propagation.timed_out;
    const started = performance.now();
    const revoke = await revokePat(a, user, token.id);
    const elapsed = performance.now() - started;
    expect(revoke.statusCode).toBe(204);
    expect(elapsed).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(ACK_TIMEOUT_MS + 1_500);
    expect(a.credentials.stats.propagation.timed_out).toBe(timedOutBefore + 1);
    // The live peer acknowledged all the same.
    expect((await me(b, secret)).statusCode).toBe(401);
  });

  it('a peer whose LISTEN connection was just terminated does not hold the revoke beyond the bound, and refuses', async () => {
    const user = await signUp(a);
    const { token, secret } = await createPat(a, user.cookie);
    expect((await me(b, secret)).statusCode).toBe(200);
    const admin = new pg.Client({ connectionString: store.url! });
    await admin.connect();
    onTestFinished(() => admin.end());
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and application_name = $1`,
      [`tessera-listener:${b.credentials.instanceId}`],
    );
    const started = performance.now();
    const revoke = await revokePat(a, user, token.id);
    expect(revoke.statusCode).toBe(204);
    expect(performance.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 1_500);
    // B heard nothing, but it lost its feed: it no longer trusts its cache (ADR 0019).
    expect((await me(b, secret)).statusCode).toBe(401);
  });
});

describe('the receipt follows the eviction', () => {
  it('a store read in flight when the invalidation arrives is not cached, and the ack is sent after evicting', async () => {
    let feed: ListenOptions | undefined;
    const sent: Array<{ channel: string; payload: string; cachedAtSend: number }> = [];
    const service = createCredentialService({
      credentials: createCredentialRepository(store.db),
      database: {
        kind: 'postgres',
        db: store.db,
        listeningInstances: async () => [],
        async listen(_channel, options) {
          feed = options;
          return {
            connected: true,
            sync: async () => {},
            notify: async (channel, payload) => {
              sent.push({ channel, payload, cachedAtSend: service.cache.size });
            },
            close: async () => {},
          };
        },
      },
      config: testConfig(),
      clock: testClock(),
    });
    const user = await signUp(a);
    // Issued before the service starts, so its issued-token filter knows it.
    const { token, secret } = await createPat(a, user.cookie);
    await service.start();
    onTestFinished(() => service.stop());
    // The store read starts (the cache epoch noted) before the invalidation is applied and
    // ends after it: what it read may predate the revoking COMMIT, so it must not be kept.
    const inFlight = verifyAsPromise(service, secret);
    feed!.onNotification(JSON.stringify({ ids: [token.id], n: 'ins_peer.7' }), INVALIDATION_CHANNEL);
    await inFlight;
    expect(service.cache.size).toBe(0);
    // The revocation, committed before its notification: the next verification reads the store.
    await store.db
      .updateTable('credentials')
      .set({ revoked_at: new Date() })
      .where('id', '=', token.id)
      .execute();
    await expect(verifyAsPromise(service, secret)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(sent).toEqual([
      { channel: INVALIDATION_ACK_CHANNEL, payload: `ins_peer.7 ${service.instanceId}`, cachedAtSend: 0 },
    ]);
    // Its own messages (and issuance announcements) are not acknowledged.
    feed!.onNotification(
      JSON.stringify({ ids: [token.id], n: `${service.instanceId}.1` }),
      INVALIDATION_CHANNEL,
    );
    feed!.onNotification(JSON.stringify({ issued: ['abc'] }), INVALIDATION_CHANNEL);
    expect(sent).toHaveLength(1);
  });
});
