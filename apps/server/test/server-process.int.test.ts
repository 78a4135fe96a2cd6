import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeKind, TEST_PASSWORD } from './harness.ts';

/**
 * The real server process, as `npm start` runs it on the embedded store: data persists across
 * restarts, and SIGTERM drains, flushes last-use data and exits 0.
 */
const serverEntry = path.resolve(import.meta.dirname, '../src/server.ts');
const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-process-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  // `node --import tsx`, not the `tsx` wrapper binary: signals reach the server itself, as with
  // `npm start` (the wrapper relays them and SIGKILLs a child that is slow to acknowledge).
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_WEB_DIST: '/nonexistent',
      DATABASE_URL: '',
      TESSERA_ENCRYPTION_KEY: '',
      TESSERA_ENCRYPTION_KEYS: '',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  // A fresh embedded store runs every migration first: slow on a busy machine.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.ok) return { child, output: () => output };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output}`);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.runIf(storeKind === 'pglite')('the server process on the embedded store', () => {
  it('persists data across a restart and shuts down cleanly on SIGTERM, flushing last use', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await startServer(port);
    const email = `process-${Date.now()}@example.test`;
    const signup = await fetch(`${base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: TEST_PASSWORD }),
    });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${base}/api/account/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'persisted', scopes: ['profile:read'] }),
    });
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
    expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
      200,
    );

    const exited = exitOf(first.child);
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(first.output()).not.toContain(secret);
    expect(first.output()).not.toContain(TEST_PASSWORD);

    const second = await startServer(port);
    try {
      // The token still works after the restart, and its last use was flushed at shutdown.
      expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
        200,
      );
      const view = (await (
        await fetch(`${base}/api/account/tokens/${token.id}`, { headers: { cookie } })
      ).json()) as {
        last_used_at: string | null;
      };
      expect(view.last_used_at).not.toBeNull();
    } finally {
      const done = exitOf(second.child);
      second.child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
  }, 240_000);
});
