import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger, startLoad } from './load.ts';
import { mountTmpfsFolder, signUpOver, startTessera, type TesseraProcess, until } from './support.ts';

/**
 * Scenario 7: the embedded store's data folder (TESSERA_DATA_DIR) fills up under load. The folder
 * is a private 96 MiB tmpfs (a fresh store takes ≈ 40 MiB, 16 MiB of it the preallocated WAL
 * segment); "full" is a real ENOSPC, made by a filler file taking every free block.
 *
 * What happens, measured (PGlite 0.5): the store does not abort. A statement that needs a new page
 * fails with SQLSTATE 53100 `could not extend file "base/…": No space left on device`, its
 * transaction rolls back, and the store keeps answering; statements that fit in pages already
 * allocated (and in the preallocated WAL) still commit, durably. Read-only could not be scripted
 * for a live store: the kernel refuses `remount,ro` while the store holds its files open for
 * writing (EBUSY), so the read-only mapping (EROFS → 503) is covered by the unit test of
 * store-errors only. ADR 0035.
 */
const data = mountTmpfsFolder('tessera-faults-store-disk', 'data', '96m', 'the store disk scenario');
const { mounted, dir: dataDir } = data;
const filler = path.join(dataDir, 'filler');

/** Takes every free block of the data folder (dd stops at ENOSPC and exits non-zero). */
function fillTheDisk() {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { stdio: 'ignore' });
  } catch {
    // Expected: "No space left on device" is how dd ends here.
  }
  const free = execFileSync('df', ['--output=avail', dataDir]).toString().split('\n')[1]?.trim();
  if (free !== '0') throw new Error(`the data folder still has ${free} KiB free`);
}

let server: TesseraProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  data.remove();
});

describe.skipIf(!mounted)('store disk faults (a private tmpfs as the embedded data folder)', () => {
  it('scenario 7: a full data folder → writes 507 problem+json (never 500, never a hang), reads and existing PATs keep working, ready stays 200; with room again writes recover and a restart has every acknowledged write', async () => {
    const env = { TESSERA_DATA_DIR: dataDir };
    server = await startTessera(env);
    const base = server.base;
    const users = [await signUpOver(base, 'store-a'), await signUpOver(base, 'store-b')];
    const owner = users[0]!;
    const pat = await fetch(`${base}/api/account/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: owner.cookie },
      body: JSON.stringify({ name: 'store-disk', scopes: ['agents:read', 'agents:write', 'profile:read'] }),
    });
    expect(pat.status).toBe(201);
    const { secret } = (await pat.json()) as { secret: string };
    const auth = { authorization: `Bearer ${secret}` };
    const agents: string[] = [];
    const createAgent = async () => {
      const response = await fetch(`${base}/api/agents`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `Store disk agent ${agents.length}-${Math.random().toString(36).slice(2, 8)}`,
          description: 'Written while the data folder fills up.',
          category: 'writing',
          framework: 'langchain',
          tags: ['faults'],
          visibility: 'private',
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 201) agents.push(((await response.json()) as { agent_id: string }).agent_id);
      return response;
    };
    const createToken = (name: string) =>
      fetch(`${base}/api/account/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: owner.cookie },
        body: JSON.stringify({ name, scopes: ['profile:read'] }),
        signal: AbortSignal.timeout(10_000),
      });
    expect((await createAgent()).status).toBe(201);
    const reads = async () => {
      const statuses = await Promise.all(
        [
          fetch(`${base}/api/agents/${agents[0]}`, { headers: auth }),
          fetch(`${base}/api/me`, { headers: auth }),
          fetch(`${base}/api/account/tokens`, { headers: { cookie: owner.cookie } }),
          fetch(`${base}/api/health/ready`),
        ].map(async (r) => (await r).status),
      );
      return statuses;
    };

    const load = startLoad({
      bases: () => [base],
      users,
      clients: 2,
      pauseMs: 20,
    });
    const { ledger } = load;
    await until('acknowledged writes before the disk fills', () => ledger.created.size >= 5, 15_000);

    fillTheDisk();
    // Statements that fit in pages the store already holds still commit; the first that needs a
    // new page is refused. Each answer is 201 or 507, nothing else.
    const refusal = (what: string, write: (i: number) => Promise<Response>) => {
      let i = 0;
      return until(
        `${what} refused`,
        async () => {
          const response = await write(i++);
          return response.status === 201 ? undefined : response;
        },
        15_000,
        0,
      );
    };
    for (const full of [
      await refusal('token creation', (i) => createToken(`full-${i}`)),
      await refusal('agent creation', () => createAgent()),
    ]) {
      expect(full.status).toBe(507);
      expect(full.headers.get('content-type')).toContain('application/problem+json');
      expect(full.headers.get('retry-after')).toBe('60');
      const body = (await full.json()) as { code: string; detail: string };
      expect(body.code).toBe('insufficient_storage');
      expect(body.detail).not.toMatch(/base\/|No space|\bat\b.*\.ts/);
    }
    // Reads, existing PATs and cookies keep working; readiness stays 200 (reads are served: ADR 0035).
    expect(await reads()).toEqual([200, 200, 200, 200]);

    rmSync(filler);
    await until(
      'token creation works again',
      async () => (await createToken('after')).status === 201,
      10_000,
    );
    expect((await createAgent()).status).toBe(201);

    await load.stop();
    expect(ledger.violations).toEqual([]);
    expect(
      Object.keys(ledger.statuses).filter((k) => /:(5\d\d|error)$/.test(k) && !k.endsWith(':507')),
    ).toEqual([]);
    // The log keeps why (the store's own error), not just our 507.
    const failures = server
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request failed"'));
    expect(failures.some((line) => line.includes('No space left on device') && line.includes('53100'))).toBe(
      true,
    );
    expect(await server.stop('SIGTERM')).toBe(0);

    // After a restart on the same folder every acknowledged write is there.
    server = await startTessera(env, server.port);
    expect(await checkLedger(server.base, ledger)).toEqual([]);
    for (const id of agents) {
      const agent = await fetch(`${server.base}/api/agents/${id}`, { headers: auth });
      expect(agent.status, id).toBe(200);
    }
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);
});
