/**
 * Benchmarks the bearer-token hot path and writes its figures to bench/results/verify-token.json.
 * Run: npm run bench  (embedded PGlite in memory; set BENCH_DATABASE_URL for PostgreSQL).
 *
 * 1. In-process: verifyBearerToken() on a cached PAT, and on bad-checksum garbage.
 * 2. Over HTTP with autocannon: a public route (baseline), GET /api/me with a PAT, and a flood
 *    of bad-checksum tokens. The database query count during each run is recorded, to show
 *    that verification does not touch the store per request.
 * 3. GET /api/me with a PAT while 40 connections hammer the password sign-in: argon2 hashing is
 *    bounded (PASSWORD_HASH_*), so PAT traffic keeps its latency and excess sign-ins get 503.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { KyselyPlugin } from 'kysely';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { generateToken } from '../apps/server/src/modules/credentials/token-format.ts';
import { migrateToLatest, openPGlite, openPostgres } from '../apps/server/src/platform/database/database.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
let queries = 0;
const counter: KyselyPlugin = {
  transformQuery(args) {
    queries += 1;
    return args.node;
  },
  async transformResult(args) {
    return args.result;
  },
};

const store = process.env.BENCH_DATABASE_URL
  ? await openPostgres(process.env.BENCH_DATABASE_URL)
  : await openPGlite(undefined);
await migrateToLatest(store.db);
const config = loadConfig({
  TESSERA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
  LOG_LEVEL: 'silent',
  TESSERA_WEB_DIST: '/nonexistent',
  TOKEN_LAST_USED_FLUSH_MS: '5000',
});
const app = await buildApp({
  config,
  database: { ...store, db: store.db.withPlugin(counter) },
  logger: false,
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });

const email = `bench-${Date.now()}@example.test`;
const signup = await app.inject({
  method: 'POST',
  url: '/api/auth/signup',
  payload: { email, password: 'benchmark password 123' },
});
const cookie = `tessera_session=${signup.cookies[0]!.value}`;
const created = await app.inject({
  method: 'POST',
  url: '/api/account/tokens',
  headers: { cookie },
  payload: { name: 'bench', scopes: ['profile:read', 'agents:read'] },
});
const pat: string = created.json().secret;

// --- 1. in process ------------------------------------------------------------------------
function opsPerSecond(fn: () => Promise<unknown>, iterations: number) {
  return (async () => {
    for (let i = 0; i < 1000; i++) await fn();
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    return Math.round(iterations / ((performance.now() - started) / 1000));
  })();
}
queries = 0;
const cachedOps = await opsPerSecond(() => app.credentials.verifyBearerToken(pat, '127.0.0.1'), 200_000);
const cachedQueries = queries;
const garbage = `${pat.slice(0, -1)}${pat.endsWith('A') ? 'B' : 'A'}`;
queries = 0;
const garbageOps = await opsPerSecond(
  () => app.credentials.verifyBearerToken(garbage, '127.0.0.1').catch(() => undefined),
  200_000,
);
const garbageQueries = queries;

// --- 2. over HTTP -------------------------------------------------------------------------
async function run(name: string, opts: { path: string; headers?: Record<string, string> }) {
  queries = 0;
  const result = await autocannon({
    url: `${address}${opts.path}`,
    headers: opts.headers,
    connections: 10,
    duration: DURATION_S,
  });
  return {
    name,
    requests_per_second: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    total_requests: result.requests.total,
    db_queries: queries,
    db_queries_per_request: Number((queries / Math.max(1, result.requests.total)).toFixed(4)),
  };
}
const http = [
  await run('public route (GET /api/frameworks), no credential', { path: '/api/frameworks' }),
  await run('GET /api/me with a PAT (verification + 1 user query in the handler)', {
    path: '/api/me',
    headers: { authorization: `Bearer ${pat}` },
  }),
  await run('bad-checksum tokens (GET /api/me → 401)', {
    path: '/api/me',
    headers: { authorization: `Bearer ${garbage}` },
  }),
  await run('unknown well-formed token (negative cache)', {
    path: '/api/me',
    headers: { authorization: `Bearer ${generateToken('pat')}` },
  }),
];

// --- 3. PAT traffic during a sign-in flood -------------------------------------------------
const [patDuringFlood, loginFlood] = await Promise.all([
  run('GET /api/me with a PAT while sign-ins flood', {
    path: '/api/me',
    headers: { authorization: `Bearer ${pat}` },
  }),
  autocannon({
    url: `${address}/api/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'benchmark password 123' }),
    connections: 40,
    duration: DURATION_S,
  }),
]);
const signInFlood = {
  sign_in_requests_per_second: Math.round(loginFlood.requests.average),
  sign_in_latency_p99_ms: loginFlood.latency.p99,
  sign_in_answered_200: loginFlood['2xx'],
  sign_in_shed_or_limited_non_2xx: loginFlood.non2xx,
  pat_requests: patDuringFlood,
};

const results = {
  measured_at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, store: store.kind },
  in_process: {
    cached_pat_verifications_per_second: cachedOps,
    cached_pat_db_queries: cachedQueries,
    bad_checksum_rejections_per_second: garbageOps,
    bad_checksum_db_queries: garbageQueries,
  },
  http,
  sign_in_flood: signInFlood,
};
const out = path.join(import.meta.dirname, 'results', 'verify-token.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${out}`);
await app.close();
await store.close();
process.exit(0);
