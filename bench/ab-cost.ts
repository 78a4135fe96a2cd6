/**
 * A/B CPU cost per request of two checkouts of Tessera in ONE process (`app.inject`, no sockets):
 * `tsx bench/ab-cost.ts <dir A> <dir B>` builds both apps (each on its own PostgreSQL database, or
 * the embedded store with STORE=pglite) and runs short rounds alternately, so a busy machine slows
 * both alike; prints medians per side and the median of the paired differences.
 * CASES=401,unknown,read,me  N=requests per round  ROUNDS=rounds per side  LOG_LEVEL (LOG_LEVEL_A,
 * LOG_LEVEL_B for one side).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { admin, databaseUrl } from './lib/bench-database.ts';
import { seedReader } from './lib/seed-reader.ts';

const [dirA, dirB] = process.argv.slice(2);
if (!dirA || !dirB) throw new Error('usage: ab-cost.ts <dir A> <dir B>');
const pglite = process.env.STORE === 'pglite';
const N = Number(process.env.N ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const CASES = (process.env.CASES ?? '401,unknown,read').split(',');

async function side(dir: string, tag: string) {
  const name = `tessera_ab_${tag}_${process.pid}`;
  const dataDir = pglite ? mkdtempSync(path.join(os.tmpdir(), `tessera-ab-${tag}-`)) : undefined;
  if (!pglite) await admin(`create database ${name}`);
  const { buildApp } = await import(path.resolve(dir, 'apps/server/src/app.ts'));
  const { loadConfig } = await import(path.resolve(dir, 'apps/server/src/config.ts'));
  const { openDatabase } = await import(path.resolve(dir, 'apps/server/src/platform/database/database.ts'));
  const { generateToken } = await import(
    path.resolve(dir, 'apps/server/src/modules/credentials/token-format.ts')
  );
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: pglite ? '' : databaseUrl(name),
    TESSERA_DATA_DIR: dataDir ?? '/tmp/tessera-ab-unused',
    TESSERA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    TESSERA_WEB_DIST: '/nonexistent',
    LOG_LEVEL: process.env[`LOG_LEVEL_${tag.toUpperCase()}`] ?? process.env.LOG_LEVEL ?? 'info',
  });
  const database = await openDatabase(config);
  const app = await buildApp({ config, database, ownsDatabase: true });
  await app.ready();
  const { pat, auth, agentId } = await seedReader(app, `ab${tag}${process.pid}@example.test`);
  const bad = { authorization: `Bearer ${pat.slice(0, -1)}${pat.endsWith('A') ? 'B' : 'A'}` };
  const unknown = Array.from({ length: N * (ROUNDS + 2) }, () => `Bearer ${generateToken('pat')}`);
  let u = 0;
  const cases: Record<string, () => Promise<{ statusCode: number }>> = {
    401: () => app.inject({ url: '/api/me', headers: bad }),
    unknown: () => app.inject({ url: '/api/me', headers: { authorization: unknown[u++] } }),
    read: () => app.inject({ url: `/api/agents/${agentId}`, headers: auth }),
    me: () => app.inject({ url: '/api/me', headers: auth }),
  };
  return {
    cases,
    async close() {
      await app.close();
      if (!pglite) await admin(`drop database ${name} with (force)`);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function run(fn: () => Promise<{ statusCode: number }>, expect: number) {
  let left = N;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (left-- > 0) {
        const response = await fn();
        if (response.statusCode !== expect) throw new Error(`status ${response.statusCode}`);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / N;
}

const a = await side(dirA, 'a');
const b = await side(dirB, 'b');
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const expected: Record<string, number> = { 401: 401, unknown: 401, read: 200, me: 200 };
for (const label of CASES) {
  const fa = a.cases[label]!;
  const fb = b.cases[label]!;
  await run(fa, expected[label]!);
  await run(fb, expected[label]!);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      ra.push(await run(fa, expected[label]!));
      rb.push(await run(fb, expected[label]!));
    } else {
      rb.push(await run(fb, expected[label]!));
      ra.push(await run(fa, expected[label]!));
    }
  }
  const diffs = ra.map((x, i) => rb[i]! - x);
  console.error(
    JSON.stringify({
      case: label,
      store: pglite ? 'pglite' : 'pg',
      a_us: Math.round(median(ra)),
      b_us: Math.round(median(rb)),
      diff_us: Math.round(median(diffs) * 10) / 10,
      a_min: Math.round(Math.min(...ra)),
      b_min: Math.round(Math.min(...rb)),
    }),
  );
}
await a.close();
await b.close();
process.exit(0);
