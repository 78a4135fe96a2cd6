import { describe, expect, it, onTestFinished } from 'vitest';
import { verifyAsPromise } from '../../../test/fixtures/verify-bearer.ts';
import { testClock, testConfig, useTestStore } from '../../../test/harness.ts';
import type { ListenOptions } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { createCredentialRepository } from './credentials.repository.ts';
import { createCredentialService } from './credentials.service.ts';
import { generateToken } from './token-format.ts';

/**
 * ADR 0019: a cached verification is trusted only while the revocation feed is connected. The
 * store is real; only the feed's connection state is driven by hand, so a revocation the feed
 * "missed" can be staged exactly.
 */
const file = useTestStore();

async function serviceWithHandFeed() {
  let connected = true;
  let feed: ListenOptions | undefined;
  const service = createCredentialService({
    credentials: createCredentialRepository(file.store.db),
    database: {
      db: file.store.db,
      async listen(_channel, options) {
        feed = options;
        return {
          get connected() {
            return connected;
          },
          sync: async () => {},
          notify: async () => {},
          close: async () => {},
        };
      },
    },
    config: testConfig(),
    clock: testClock(),
  });
  await service.start();
  onTestFinished(() => service.stop());
  return {
    service,
    drop() {
      connected = false;
      feed!.onDisconnect(new Error('test: feed dropped'));
    },
    restore() {
      connected = true;
      feed!.onReconnect();
    },
  };
}

async function patFor(service: ReturnType<typeof createCredentialService>) {
  const userId = `usr_${Math.random().toString(36).slice(2, 12)}`;
  await file.store.db
    .insertInto('users')
    .values({
      id: userId,
      email: `${userId}@example.test`,
      name: null,
      password_hash: 'x',
      created_at: new Date(),
    })
    .execute();
  return inTransaction(file.store.db, (tx) =>
    service.issueCredential(tx, { userId, kind: 'personal', scopes: ['profile:read'], expiresAt: null }),
  );
}

/** A revoke committed elsewhere whose notification this instance never receives. */
async function revokeBehindItsBack(id: string) {
  await file.store.db
    .updateTable('credentials')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .execute();
}

describe('verification while the revocation feed is down', () => {
  it('with the feed connected, a cached positive is served (the cache works; a missed NOTIFY would be believed)', async () => {
    const { service } = await serviceWithHandFeed();
    const { token, credential } = await patFor(service);
    await verifyAsPromise(service, token);
    await revokeBehindItsBack(credential.id);
    await expect(verifyAsPromise(service, token)).resolves.toMatchObject({ id: credential.id });
  });

  it('never serves a token whose revocation it may have missed: reads the store instead, caches nothing', async () => {
    const { service, drop, restore } = await serviceWithHandFeed();
    const { token, credential } = await patFor(service);
    await verifyAsPromise(service, token);
    expect(service.cache.size).toBe(1);

    drop();
    expect(service.cache.size).toBe(0);
    // Still verifiable from the store while nothing is revoked, but not cached.
    await verifyAsPromise(service, token);
    expect(service.cache.size).toBe(0);
    await revokeBehindItsBack(credential.id);
    await expect(verifyAsPromise(service, token)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(service.stats.untrustedCacheBypasses).toBe(2);

    restore();
    expect(service.stats.feedReconnects).toBe(1);
    await expect(verifyAsPromise(service, token)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('a read in flight when the feed drops is not cached', async () => {
    const { service, drop } = await serviceWithHandFeed();
    const { token } = await patFor(service);
    const pending = verifyAsPromise(service, token);
    drop();
    await pending;
    expect(service.cache.size).toBe(0);
  });
});

describe('the hot path: a verification the cache can answer costs no promise (issue #13)', () => {
  it('answers a cached credential at once and records its use; asks the store, with a promise, otherwise', async () => {
    const { service, drop } = await serviceWithHandFeed();
    const { token, credential } = await patFor(service);
    const fromStore = service.verifyBearer(token, '192.0.2.1');
    expect(fromStore).toBeInstanceOf(Promise);
    await expect(fromStore).resolves.toMatchObject({ id: credential.id });
    await service.lastUsed.flush();
    expect(service.lastUsed.pendingCount).toBe(0);

    const fromCache = service.verifyBearer(token, '192.0.2.1');
    expect(fromCache).not.toBeInstanceOf(Promise);
    expect(fromCache).toMatchObject({ id: credential.id, kind: 'personal' });
    expect(service.stats.cacheHits).toBe(1);
    expect(service.lastUsed.pendingCount).toBe(1);

    // Not trusted while the feed is down: every verification reads the store again.
    drop();
    const untrusted = service.verifyBearer(token, null);
    expect(untrusted).toBeInstanceOf(Promise);
    await expect(untrusted).resolves.toMatchObject({ id: credential.id });
  });

  it('refuses at once, by throwing, what the cache knows is revoked or never issued', async () => {
    const { service } = await serviceWithHandFeed();
    const { token, credential } = await patFor(service);
    await revokeBehindItsBack(credential.id);
    await expect(verifyAsPromise(service, token)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(() => service.verifyBearer(token, null)).toThrow(
      expect.objectContaining({ code: 'invalid_token' }),
    );

    const neverIssued = generateToken('pat');
    await expect(verifyAsPromise(service, neverIssued)).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect(() => service.verifyBearer(neverIssued, null)).toThrow(
      expect.objectContaining({ code: 'invalid_token' }),
    );
    expect(service.stats.negativeHits).toBe(1);
  });
});
