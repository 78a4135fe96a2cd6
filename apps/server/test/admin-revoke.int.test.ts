import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrateToLatest, openPGlite } from '../src/platform/database/database.ts';
import type { App } from '../src/platform/http/schemas.ts';
import {
  bearer,
  buildTestApp,
  createTestStore,
  signUp,
  storeKind,
  TEST_ENCRYPTION_KEY,
  type TestStore,
  type TestUser,
} from './harness.ts';

const run = promisify(execFile);
const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const TSX = path.resolve(SERVER_DIR, '../../node_modules/.bin/tsx');

/**
 * `npm run admin:revoke` (ADR 0036). On PostgreSQL the server stays up while the script runs, so
 * the test also proves that a running instance drops the token at once (revocation feed); the
 * embedded store can be open in one process only, so there the server is stopped first.
 */
let dataDir: string;
let store: TestStore | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-admin-revoke-'));
  if (storeKind === 'postgres') store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openStore(): Promise<Database> {
  if (store) return store;
  const database = await openPGlite(path.join(dataDir, 'pglite'));
  await migrateToLatest(database.db);
  return database;
}

function adminRevoke(...args: string[]) {
  return run(TSX, ['scripts/admin-revoke.ts', ...args], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ...(store?.url ? { DATABASE_URL: store.url } : {}),
      LOG_LEVEL: 'silent',
    },
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function withApp<T>(work: (app: App) => Promise<T>): Promise<T> {
  const database = await openStore();
  const app = await buildTestApp(database);
  try {
    return await work(app);
  } finally {
    await app.close();
    if (!store) await database.close();
  }
}

describe('npm run admin:revoke (scripts/admin-revoke.ts)', () => {
  it('revokes the PAT, audits it as the operator and notifies the owner (by: admin); others untouched', async () => {
    let user!: TestUser;
    const created: Array<{ id: string; secret: string }> = [];
    const createAndCheck = async (app: App) => {
      user = await signUp(app);
      for (const name of ['victim', 'bystander']) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/account/tokens',
          headers: { cookie: user.cookie },
          payload: { name, scopes: ['profile:read'] },
        });
        expect(response.statusCode).toBe(201);
        created.push({ id: response.json().token.id, secret: response.json().secret });
        // Cached on this instance: a later refusal proves the feed evicted it.
        expect(
          (await app.inject({ url: '/api/me', headers: bearer(response.json().secret) })).statusCode,
        ).toBe(200);
      }
    };
    const [victim, bystander] = [() => created[0]!, () => created[1]!];

    if (store) {
      // PostgreSQL: the instance keeps running through the revocation.
      await withApp(async (app) => {
        await createAndCheck(app);
        const result = await adminRevoke(victim().id, '--reason', 'found in a support ticket');
        expect(result.code, result.stderr).toBe(0);
        await expect
          .poll(
            async () => (await app.inject({ url: '/api/me', headers: bearer(victim().secret) })).statusCode,
            {
              timeout: 2_000,
            },
          )
          .toBe(401);
      });
    } else {
      await withApp(createAndCheck);
      const result = await adminRevoke(victim().id, '--reason', 'found in a support ticket');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ id: victim().id, user_id: user.id, revoked: true });
    }

    await withApp(async (app) => {
      expect((await app.inject({ url: '/api/me', headers: bearer(victim().secret) })).statusCode).toBe(401);
      expect((await app.inject({ url: '/api/me', headers: bearer(bystander().secret) })).statusCode).toBe(
        200,
      );
      const log = (
        await app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
      ).json().events as Array<{
        action: string;
        target_id: string;
        actor_kind: string | null;
        metadata: Record<string, unknown>;
      }>;
      const event = log.find((e) => e.action === 'token.revoked_by_operator');
      expect(event).toMatchObject({
        target_id: victim().id,
        actor_kind: 'operator',
        metadata: { name: 'victim', reason: 'found in a support ticket' },
      });
      expect(typeof event!.metadata.operator).toBe('string');
      const notices = (
        await app.inject({ url: '/api/account/notices', headers: { cookie: user.cookie } })
      ).json().notices as Array<{ kind: string; subject_id: string; data: Record<string, unknown> }>;
      const revoked = notices.filter((n) => n.kind === 'token.revoked');
      expect(revoked).toHaveLength(1);
      expect(revoked[0]).toMatchObject({ subject_id: victim().id, data: { by: 'admin', name: 'victim' } });
    });

    // Again: nothing changes, nothing more is recorded, and the exit status says so.
    const again = await adminRevoke(victim().id);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ revoked: false });
  }, 120_000);

  it('refuses unknown ids (1) and malformed arguments (2) without touching the store', async () => {
    const unknown = await adminRevoke('tok_doesnotexist');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no personal access token has the id tok_doesnotexist');
    for (const args of [[], ['not-a-token-id'], ['tok_a', 'tok_b'], ["tok_x'; drop table credentials;--"]]) {
      expect((await adminRevoke(...args)).code).toBe(2);
    }
  }, 60_000);
});
