import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/modules/notices/standard-webhooks.ts';
import { keyIdOf } from '../src/platform/crypto/secret-cipher.ts';
import { migrateToLatest, openPGlite } from '../src/platform/database/database.ts';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from './fakes/github.ts';
import { buildTestApp, signUp } from './harness.ts';

const run = promisify(execFile);
const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const TSX = path.resolve(SERVER_DIR, '../../node_modules/.bin/tsx');

let dataDir: string;
let github: FakeGitHub;
const OLD = `k0:${randomBytes(32).toString('base64')}`;
const NEW = `k1:${randomBytes(32).toString('base64')}`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-rotate-'));
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openStore() {
  const database = await openPGlite(path.join(dataDir, 'pglite'));
  await migrateToLatest(database.db);
  return database;
}

function rotate(keys: string) {
  return run(TSX, ['scripts/rotate-keys.ts', '--batch-size', '2'], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_ENCRYPTION_KEYS: keys,
      LOG_LEVEL: 'silent',
    },
  });
}

/** A local webhook receiver: records whether each delivery verifies with `secret`. */
async function startReceiver() {
  const state = { secret: '', verified: [] as boolean[], url: '', close: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.verified.push(
        verifyWebhook(
          state.secret,
          {
            id: String(request.headers['webhook-id']),
            timestamp: String(request.headers['webhook-timestamp']),
            signature: String(request.headers['webhook-signature']),
          },
          Buffer.concat(chunks).toString('utf8'),
          Math.floor(Date.now() / 1000),
        ),
      );
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

describe('npm run keys:rotate (scripts/rotate-keys.ts)', () => {
  it('re-encrypts every provider token and webhook secret under the first key of the ring and prints counts', async () => {
    let database = await openStore();
    const tokens: string[] = [];
    const webhookSecrets: string[] = [];
    let cookie = '';
    let endpointId = '';
    try {
      const app = await buildTestApp(database, {
        env: { TESSERA_ENCRYPTION_KEYS: OLD, GITHUB_API_URL: github.url },
      });
      const user = await signUp(app);
      cookie = user.cookie;
      for (let i = 0; i < 3; i++) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/account/webhooks',
          headers: { cookie },
          payload: { url: `http://127.0.0.1:9/hook-${i}` },
        });
        expect(response.statusCode).toBe(201);
        webhookSecrets.push(response.json().secret);
        endpointId = response.json().endpoint.id;
      }
      for (let i = 0; i < 3; i++) {
        const token = newGitHubToken();
        tokens.push(token);
        github.addToken(token, { login: 'cli', scopes: ['repo'] });
        const response = await app.inject({
          method: 'POST',
          url: '/api/provider-accounts',
          headers: { cookie: user.cookie },
          payload: { provider: 'github', name: `a${i}`, token },
        });
        expect(response.statusCode).toBe(201);
      }
      await app.close();
    } finally {
      await database.close();
    }

    const { stdout, stderr } = await rotate(`${NEW},${OLD}`);
    const summary = JSON.parse(stdout.split('\n').find((line) => line.startsWith('{'))!);
    expect(summary).toEqual({
      current_key_id: 'k1',
      scanned: 3,
      reencrypted: 3,
      skipped: 0,
      failed: 0,
      remaining: 0,
      stopped: false,
      webhook_secrets: { scanned: 3, reencrypted: 3, skipped: 0, failed: 0, remaining: 0 },
    });
    expect(stdout).toContain('older keys can be retired');
    for (const output of [stdout, stderr]) {
      for (const token of [...tokens, ...webhookSecrets]) expect(output).not.toContain(token.slice(-20));
      expect(output).not.toContain(NEW.split(':')[1]!);
    }

    // Running it again changes nothing.
    const again = JSON.parse(
      (await rotate(`${NEW},${OLD}`)).stdout.split('\n').find((l) => l.startsWith('{'))!,
    );
    expect(again).toMatchObject({
      scanned: 0,
      reencrypted: 0,
      remaining: 0,
      webhook_secrets: { scanned: 0, reencrypted: 0, remaining: 0 },
    });

    database = await openStore();
    const receiver = await startReceiver();
    try {
      const rows = await database.db.selectFrom('provider_accounts').select('token_ciphertext').execute();
      expect(rows.map((r) => keyIdOf(r.token_ciphertext))).toEqual(['k1', 'k1', 'k1']);
      // With the old key gone from the ring, the endpoint still signs with the secret its
      // receiver holds: re-encryption moved the secret, it did not change it.
      const app = await buildTestApp(database, {
        env: { TESSERA_ENCRYPTION_KEYS: NEW, WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' },
      });
      try {
        receiver.secret = webhookSecrets.at(-1)!;
        const patched = await app.inject({
          method: 'PATCH',
          url: `/api/account/webhooks/${endpointId}`,
          headers: { cookie },
          payload: { url: receiver.url },
        });
        expect(patched.statusCode).toBe(200);
        const test = await app.inject({
          method: 'POST',
          url: `/api/account/webhooks/${endpointId}/test`,
          headers: { cookie },
        });
        expect(test.json()).toMatchObject({ status: 'delivered', last_status_code: 200 });
        expect(receiver.verified).toEqual([true]);
      } finally {
        await app.close();
      }
    } finally {
      await receiver.close();
      await database.close();
    }
  }, 60_000);

  it('exits 1 and names each row it cannot decrypt when the ring lacks the stored key', async () => {
    const stranger = `k7:${randomBytes(32).toString('base64')}`;
    const failure = await rotate(stranger).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/could not decrypt provider account pa_\S+ \(key id k1\)/);
    expect(failure?.stderr).toMatch(/could not decrypt the secret of webhook endpoint whe_\S+ \(key id k1\)/);
  }, 60_000);
});
