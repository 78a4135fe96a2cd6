import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from '../../../test/fakes/github.ts';
import {
  buildAppForTest,
  buildTestApp,
  captureLogs,
  signUp,
  type TestAppOptions,
  type TestUser,
  useTestStore,
} from '../../../test/harness.ts';
import { createSecretCipher, keyIdOf } from '../../platform/crypto/secret-cipher.ts';
import type { App } from '../../platform/http/schemas.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { reencryptProviderTokens } from './key-rotation.ts';
import { createProviderAccountRepository } from './provider-accounts.repository.ts';

// This file owns its store: rotating keys rewrites every row in it.
const file = useTestStore();
let github: FakeGitHub;
const OLD = { id: 'k0', key: randomBytes(32) };
const NEW = { id: 'k1', key: randomBytes(32) };
const ring = (...keys: Array<typeof OLD>) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github.close();
});

const withKeys = (keys: string, logStream?: TestAppOptions['logStream']): TestAppOptions => ({
  env: { TESSERA_ENCRYPTION_KEYS: keys, GITHUB_API_URL: github.url, PROVIDER_TIMEOUT_MS: '3000' },
  logStream,
});

/** A server started with the key ring `keys`; the test closes it where the restart it stands for ends. */
function appWith(keys: string, logStream?: TestAppOptions['logStream']) {
  return buildTestApp(file.store, withKeys(keys, logStream));
}

async function addAccount(app: App, user: TestUser) {
  const token = newGitHubToken();
  github.addToken(token, { login: 'rotator', scopes: ['repo'] });
  const response = await app.inject({
    method: 'POST',
    url: '/api/provider-accounts',
    headers: { cookie: user.cookie },
    payload: { provider: 'github', name: 'r', token },
  });
  expect(response.statusCode).toBe(201);
  return { id: response.json().id as string, token };
}

async function keyIdsInStore() {
  const rows = await file.store.db
    .selectFrom('provider_accounts')
    .select(['id', 'token_ciphertext'])
    .execute();
  return new Map(rows.map((r) => [r.id, keyIdOf(r.token_ciphertext)]));
}

/** The provider account's token as stored (sealed). */
async function storedCiphertext(id: string) {
  const row = await file.store.db
    .selectFrom('provider_accounts')
    .select('token_ciphertext')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.token_ciphertext;
}

async function testOk(app: App, user: TestUser, id: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/provider-accounts/${id}/test`,
    headers: { cookie: user.cookie },
  });
  return response.json().ok as boolean;
}

describe('encryption key rotation', () => {
  it('encrypts new writes under the new key, still opens old rows, and re-encrypts resumably', async () => {
    const before = await appWith(ring(OLD));
    const user = await signUp(before);
    const old = [
      await addAccount(before, user),
      await addAccount(before, user),
      await addAccount(before, user),
    ];
    await before.close();
    expect([...(await keyIdsInStore()).values()]).toEqual(['k0', 'k0', 'k0']);

    // The new key goes first in the ring; the old one stays to decrypt.
    const logs = captureLogs();
    const during = await appWith(ring(NEW, OLD), logs.stream);
    expect(logs.text()).toContain('still encrypted under an older key');
    for (const account of old) expect(await testOk(during, user, account.id)).toBe(true);
    const fresh = await addAccount(during, user);
    expect((await keyIdsInStore()).get(fresh.id)).toBe('k1');

    const accounts = createProviderAccountRepository(file.store.db);
    const cipher = createSecretCipher([NEW, OLD]);
    const audit = createAuditService({
      audit: createAuditRepository(file.store.db),
      clock: { now: () => new Date() },
    });
    // Stopped after the first batch of one, as Ctrl-C would…
    const controller = new AbortController();
    const first = await reencryptProviderTokens({
      db: file.store.db,
      accounts,
      cipher,
      audit,
      batchSize: 1,
      signal: controller.signal,
      onBatch: () => controller.abort(),
    });
    expect(first).toMatchObject({ reencrypted: 1, remaining: 2, stopped: true, failed: [] });
    // …then run again to the end, and once more to show it is idempotent.
    const second = await reencryptProviderTokens({
      db: file.store.db,
      accounts,
      cipher,
      audit,
      batchSize: 1,
    });
    expect(second).toMatchObject({ scanned: 2, reencrypted: 2, remaining: 0, stopped: false, failed: [] });
    const third = await reencryptProviderTokens({ db: file.store.db, accounts, cipher, audit });
    expect(third).toMatchObject({ scanned: 0, reencrypted: 0, remaining: 0 });
    expect([...(await keyIdsInStore()).values()].every((k) => k === 'k1')).toBe(true);
    await during.close();

    // The old key can now be retired: the server starts with the new key alone and every token opens.
    const after = await buildAppForTest(file.store, withKeys(ring(NEW)));
    for (const account of [...old, fresh]) expect(await testOk(after, user, account.id)).toBe(true);

    const rotations = await file.store.db
      .selectFrom('audit_events')
      .select(['outcome', 'metadata'])
      .where('action', '=', 'encryption_keys.rotated')
      .orderBy('id')
      .execute();
    expect(rotations.map((r) => r.outcome)).toEqual(['failure', 'success', 'success']);
    expect(rotations[1]!.metadata).toMatchObject({ current_key_id: 'k1', reencrypted: 2, remaining: 0 });
  });

  it('refuses to start when a stored token uses a key the ring lacks, naming the key id only', async () => {
    const app = await appWith(ring(NEW));
    await addAccount(app, await signUp(app));
    await app.close();
    const stranger = { id: 'k9', key: randomBytes(32) };
    let failure: unknown;
    try {
      const refused = await appWith(ring(stranger, OLD));
      await refused.close();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/key id "k1" \(\d+ tokens?\)/);
    expect(message).toContain('keys:rotate');
    for (const key of [NEW, OLD, stranger]) expect(message).not.toContain(key.key.toString('base64'));
  });

  it('reports a row it cannot decrypt, leaves it as it is, and still finishes', async () => {
    const app = await appWith(ring(NEW));
    const user = await signUp(app);
    const broken = await addAccount(app, user);
    await app.close();
    // Sealed under k1 but moved onto another row's associated data: no key opens it.
    const sealed = await storedCiphertext(broken.id);
    const other = createSecretCipher([OLD]).encrypt('not the token', 'elsewhere');
    await file.store.db
      .updateTable('provider_accounts')
      .set({ token_ciphertext: other })
      .where('id', '=', broken.id)
      .execute();

    const report = await reencryptProviderTokens({
      db: file.store.db,
      accounts: createProviderAccountRepository(file.store.db),
      cipher: createSecretCipher([NEW, OLD]),
      batchSize: 10,
    });
    expect(report.failed).toEqual([{ id: broken.id, keyId: 'k0' }]);
    expect(report.remaining).toBe(1);
    expect(await storedCiphertext(broken.id)).toBe(other);
    expect(sealed).not.toBe(other);
  });

  it('never overwrites a token replaced while the rotation read it', async () => {
    const accounts = createProviderAccountRepository(file.store.db);
    const row = await file.store.db
      .selectFrom('provider_accounts')
      .select(['id', 'token_ciphertext'])
      .executeTakeFirstOrThrow();
    expect(await accounts.tokenColumn.replace(row.id, 'v1|k0|stale|stale|stale', 'v1|k1|x|y|z')).toBe(false);
    expect(await storedCiphertext(row.id)).toBe(row.token_ciphertext);
  });
});
