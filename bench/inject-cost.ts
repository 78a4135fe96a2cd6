/**
 * A developer's tool for the per-request CPU cost of Tessera's request pipeline, measured in one
 * process with `app.inject` (no sockets), interleaved with a bare Fastify route and a bare
 * Fastify + pg route running the same SQL: stable enough on a busy machine to compare changes.
 * `tsx bench/inject-cost.ts` (PostgreSQL at BENCH_PG; the server's log goes to stdout).
 * STORE=pglite runs Tessera on the embedded store (a temporary data folder) instead; the bare
 * Fastify + pg route still reads PostgreSQL. CASES=bare,tessera_401,… picks cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { AGENT_VISIBLE_WITH_FILES, agentView } from './baselines/agent-sql.ts';
import { admin, databaseUrl } from './lib/bench-database.ts';
import { seedReader } from './lib/seed-reader.ts';

const name = `tessera_inject_${process.pid}`;
await admin(`create database ${name}`);
const url = databaseUrl(name);
process.env.BENCH_DATABASE_URL = url;

const { buildApp } = await import('../apps/server/src/app.ts');
const { loadConfig } = await import('../apps/server/src/config.ts');
const { openDatabase } = await import('../apps/server/src/platform/database/database.ts');
const { generateToken } = await import('../apps/server/src/modules/credentials/token-format.ts');
const dataDir =
  process.env.STORE === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'tessera-inject-')) : undefined;
const config = loadConfig({
  ...process.env,
  DATABASE_URL: dataDir ? '' : url,
  TESSERA_DATA_DIR: dataDir ?? '/tmp/tessera-inject-unused',
  TESSERA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  TESSERA_WEB_DIST: '/nonexistent',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
});
const database = await openDatabase(config);
const app = await buildApp({ config, database, ownsDatabase: true });
await app.ready();

const { pat, auth, agentId } = await seedReader(app, `i${process.pid}@example.test`);
const userId = (await app.inject({ url: '/api/me', headers: auth })).json().user.id as string;

const bare = Fastify({ logger: false });
bare.get('/*', async () => ({ status: 'ok' }));
const pool = new pg.Pool({ connectionString: url, max: 10 });
bare.get<{ Params: { id: string } }>('/api/agents/:id', async (request) => {
  const { rows } = await pool.query({
    name: 'agent_visible_with_files',
    text: AGENT_VISIBLE_WITH_FILES,
    values: [request.params.id, userId],
  });
  return agentView(rows[0]);
});
await bare.ready();

const badChecksum = `${pat.slice(0, -1)}${pat.endsWith('A') ? 'B' : 'A'}`;
// Well-formed never-issued tokens, a new one each request (made beforehand: not the server's cost).
const N = Number(process.env.N ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const unknownTokens = Array.from({ length: N * (ROUNDS + 1) + 10 }, () => `Bearer ${generateToken('pat')}`);
let unknownAt = 0;
const cases: Record<string, () => Promise<unknown>> = {
  bare: () => bare.inject({ url: '/x' }),
  tessera_401: () => app.inject({ url: '/api/me', headers: { authorization: `Bearer ${badChecksum}` } }),
  tessera_unknown: () =>
    app.inject({ url: '/api/me', headers: { authorization: unknownTokens[unknownAt++]! } }),
  tessera_me: () => app.inject({ url: '/api/me', headers: auth }),
  fastify_pg: () => bare.inject({ url: `/api/agents/${agentId}` }),
  tessera_read: () => app.inject({ url: `/api/agents/${agentId}`, headers: auth }),
};
const onlyCases = process.env.CASES?.split(',');
for (const label of Object.keys(cases)) if (onlyCases && !onlyCases.includes(label)) delete cases[label];
// ALS=1: every request runs in an AsyncLocalStorage scope, as bench/lib/child.ts does, to measure that scope's cost.
const { AsyncLocalStorage } = await import('node:async_hooks');
const scope = new AsyncLocalStorage<true>();
if (process.env.ALS === '1') {
  for (const [label, fn] of Object.entries(cases)) cases[label] = () => scope.run(true, fn);
}
async function run(fn: () => Promise<unknown>) {
  let left = N;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (left-- > 0) await fn();
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / N;
}
const results: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) await run(fn);
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, fn] of Object.entries(cases)) results[label]!.push(await run(fn));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(median(v))]));
console.error(JSON.stringify(m), {
  fixed_extra_us: (m.tessera_401 ?? 0) - (m.bare ?? 0),
  read_extra_us: (m.tessera_read ?? 0) - (m.fastify_pg ?? 0),
});
await app.close();
await pool.end();
await admin(`drop database ${name} with (force)`);
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
