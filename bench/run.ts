/**
 * The benchmark suite (issue #13). `npm run bench` runs every scenario, alternating target and
 * baseline in rounds (medians reported), and writes bench/results/latest.json and BENCHMARKS.md.
 * `npm run bench -- --quick` is a smoke run (one short round, 3·10⁴ tokens for the scale run; under 3 minutes on a quiet machine).
 *
 * Every server is a child process (bench/servers, bench/baselines) that counts the statements its
 * database drivers send (bench/lib/child.ts) and reports its own CPU time; each scenario gets its
 * own database on 127.0.0.1:5432 (BENCH_PG, created and dropped here).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { generateToken } from '../apps/server/src/modules/credentials/token-format.ts';
import { admin, databaseUrl, PG_ADMIN } from './lib/bench-database.ts';
import { type BenchServer, killServers, startServer } from './lib/server-process.ts';
import { seedTokens } from './seed-tokens.ts';

const quick = process.argv.includes('--quick');
/** `--only reads,pglite` runs just those scenarios (reads, pglite, revocation, signin, scale); no report files. */
const onlyArg = process.argv.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? new Set(
      (onlyArg.includes('=')
        ? onlyArg.split('=')[1]!
        : process.argv[process.argv.indexOf(onlyArg) + 1]!
      ).split(','),
    )
  : undefined;
const wanted = (name: string) => !only || only.has(name);
const ROUNDS = quick ? 1 : Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = quick ? 1.5 : Number(process.env.BENCH_SECONDS ?? 5);
/** The statement-counting pass before the timed rounds (see `interleaved`). */
const COUNTING_SECONDS = quick ? 0.5 : 2;
const CONNECTIONS = 10;
const SCALE = quick ? 30_000 : Number(process.env.BENCH_SCALE ?? 1_000_000);
const here = import.meta.dirname;
const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${message}`);

// --- databases and child servers ---------------------------------------------------------------
const databases: string[] = [];
async function createDatabase(label: string): Promise<string> {
  const name = `tessera_bench_${label}_${process.pid}`;
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  databases.push(name);
  return databaseUrl(name);
}

// --- measurement -------------------------------------------------------------------------------
interface Load {
  path: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** A fresh header set per request (new tokens, cycling tokens). */
  perRequest?: () => Record<string, string>;
  connections?: number;
}
interface Stats {
  cpuMicros: number;
  gcMicros: number;
  counts: Record<string, number>;
  rss: number;
  filter?: { keys: number; bytes: number; expectedFalsePositiveRate?: number };
}
interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  cpu_us_per_req: number;
  /** Of that CPU, the time the process stood in garbage-collection pauses (ADR 0044). */
  gc_us_per_req: number;
  /** Statements caused by the requests (bench/lib/child.ts tells them from background ones). */
  sql_per_req: number;
  /** Statements of the server's own background jobs (last-use flush, notice poll, …), per second. */
  background_sql_per_s: number;
  listener_round_trips_per_req: number;
  updates_per_minute: number;
  non_2xx_share: number;
  requests: number;
  rss_mb: number;
}

function cannon(server: BenchServer, load: Load, seconds = SECONDS) {
  return autocannon({
    url: `${server.info.url}${load.path}`,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections: load.connections ?? CONNECTIONS,
    duration: seconds,
    ...(load.perRequest
      ? {
          requests: [
            {
              setupRequest: (request: Record<string, unknown>) => ({
                ...request,
                headers: { ...(request.headers as object), ...load.perRequest!() },
              }),
            },
          ],
        }
      : {}),
  });
}

async function measure(server: BenchServer, load: Load, seconds = SECONDS): Promise<Measurement> {
  await server.call('reset');
  const result = await cannon(server, load, seconds);
  const stats = await server.call<Stats>('stats');
  const n = Math.max(1, result.requests.total);
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu_us_per_req: Math.round(stats.cpuMicros / n),
    gc_us_per_req: round(stats.gcMicros / n, 1),
    sql_per_req: round(stats.counts.statements! / n, 3),
    background_sql_per_s: round(stats.counts.background! / seconds, 2),
    listener_round_trips_per_req: round(stats.counts.listener! / n, 3),
    updates_per_minute: Math.round((stats.counts.update! / seconds) * 60),
    non_2xx_share: round(result.non2xx / n, 3),
    requests: result.requests.total,
    rss_mb: Math.round(stats.rss / 1024 / 1024),
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
function medianOf(runs: Measurement[]): Measurement {
  const keys = Object.keys(runs[0]!) as Array<keyof Measurement>;
  return Object.fromEntries(keys.map((k) => [k, round(median(runs.map((r) => r[k])), 3)])) as never;
}

/**
 * Runs each side for SECONDS per round, alternating the order every round; medians per side.
 * Statements per request and background statements per second come from one counting pass per
 * side before the rounds, with the statement-attribution scope on as it has been since the
 * process started (so every connection and timer the server made carries it); the timed rounds
 * then run with the scope off (bench/lib/child.ts: it taxes every promise).
 */
async function interleaved(sides: Array<{ label: string; server: BenchServer; load: Load }>) {
  for (const side of sides) await cannon(side.server, side.load, quick ? 0.5 : 1); // warm-up
  const counted = new Map<string, Measurement>();
  for (const side of sides) counted.set(side.label, await measure(side.server, side.load, COUNTING_SECONDS));
  for (const side of sides) await side.server.call('attribution', { on: false });
  const runs = new Map<string, Measurement[]>(sides.map((s) => [s.label, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) runs.get(side.label)!.push(await measure(side.server, side.load));
  }
  for (const side of sides) await side.server.call('attribution', { on: true });
  return Object.fromEntries(
    sides.map((s) => {
      const { sql_per_req, background_sql_per_s } = counted.get(s.label)!;
      const rounds = runs.get(s.label)!;
      // Every round's req/s next to the median, so the spread behind each ratio stays visible.
      const rps_rounds = rounds.map((m) => m.rps);
      return [s.label, { ...medianOf(rounds), sql_per_req, background_sql_per_s, rps_rounds }];
    }),
  );
}

// --- scenarios ---------------------------------------------------------------------------------
const results: Record<string, unknown> = {};

async function tesseraOnPostgres(label: string, env: Record<string, string> = {}) {
  const url = await createDatabase(label);
  const server = await startServer(`tessera-${label}`, 'servers/tessera.ts', {
    BENCH_DATABASE_URL: url,
    BENCH_SEED: '1',
    LOG_LEVEL: 'info',
    ...env,
  });
  return { url, server };
}

async function readsAndRejections() {
  log('reads on PostgreSQL, 401 paths, fixed overhead');
  const { url, server: tessera } = await tesseraOnPostgres('reads');
  const viewer = String(tessera.info.userId);
  const [silent, eachRefusal, bare, fastifyPg, peer, betterAuth] = await Promise.all([
    startServer('tessera-silent', 'servers/tessera.ts', { BENCH_DATABASE_URL: url, LOG_LEVEL: 'silent' }),
    // One access-log line per refusal instead of one per address and window (ADR 0043).
    startServer('tessera-each-refusal', 'servers/tessera.ts', {
      BENCH_DATABASE_URL: url,
      LOG_LEVEL: 'info',
      LOG_REFUSALS: 'each',
    }),
    startServer('bare-fastify', 'baselines/bare-fastify.ts', {}),
    startServer('fastify-pg', 'baselines/fastify-pg.ts', {
      BENCH_DATABASE_URL: url,
      BENCH_VIEWER_ID: viewer,
    }),
    startServer('handwritten-peer', 'baselines/handwritten-peer.ts', { BENCH_DATABASE_URL: url }),
    startServer('better-auth', 'baselines/better-auth.ts', {
      BENCH_DATABASE_URL: url,
      BENCH_VIEWER_ID: viewer,
    }),
  ]);
  const pat = String(tessera.info.pat);
  const agentPath = `/api/agents/${tessera.info.agentId}`;
  const withPat = { authorization: `Bearer ${pat}` };
  const badChecksum = `${pat.slice(0, -1)}${pat.endsWith('A') ? 'B' : 'A'}`;

  results.reads_postgres = await interleaved([
    { label: 'tessera', server: tessera, load: { path: agentPath, headers: withPat } },
    { label: 'fastify_pg_same_sql', server: fastifyPg, load: { path: agentPath } },
    { label: 'tessera_log_silent', server: silent, load: { path: agentPath, headers: withPat } },
    { label: 'handwritten_peer', server: peer, load: { path: agentPath, headers: withPat } },
    {
      label: 'better_auth_api_key',
      server: betterAuth,
      load: { path: agentPath, headers: { 'x-api-key': String(betterAuth.info.apiKey) } },
    },
  ]);
  results.fixed_overhead = await interleaved([
    { label: 'bare_fastify', server: bare, load: { path: '/x' } },
    {
      label: 'tessera_bad_checksum_401',
      server: tessera,
      load: { path: '/api/me', headers: { authorization: `Bearer ${badChecksum}` } },
    },
    {
      label: 'tessera_bad_checksum_401_log_each',
      server: eachRefusal,
      load: { path: '/api/me', headers: { authorization: `Bearer ${badChecksum}` } },
    },
    {
      label: 'tessera_bad_checksum_401_log_silent',
      server: silent,
      load: { path: '/api/me', headers: { authorization: `Bearer ${badChecksum}` } },
    },
  ]);
  results.rejections_postgres = await interleaved([
    {
      label: 'unknown_well_formed_new_each_request',
      server: tessera,
      load: { path: '/api/me', perRequest: () => ({ authorization: `Bearer ${generateToken('pat')}` }) },
    },
    {
      label: 'revoked',
      server: tessera,
      load: { path: '/api/me', headers: { authorization: `Bearer ${tessera.info.revokedPat}` } },
    },
  ]);
  const memory = await tessera.call<Stats>('stats');
  results.memory = {
    tessera_postgres_rss_mb: Math.round(memory.rss / 1024 / 1024),
    filter: memory.filter,
  };
  await Promise.all([tessera, silent, eachRefusal, bare, fastifyPg, peer, betterAuth].map((s) => s.stop()));
}

async function readsOnPGlite() {
  log('reads on the embedded store');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-pglite-'));
  const tessera = await startServer('tessera-pglite', 'servers/tessera.ts', {
    BENCH_DATA_DIR: dir,
    BENCH_SEED: '1',
    LOG_LEVEL: 'info',
  });
  results.reads_pglite = await interleaved([
    {
      label: 'tessera',
      server: tessera,
      load: {
        path: `/api/agents/${tessera.info.agentId}`,
        headers: { authorization: `Bearer ${tessera.info.pat}` },
      },
    },
  ]);
  const memory = await tessera.call<Stats>('stats');
  results.memory = {
    ...(results.memory as object),
    tessera_pglite_rss_mb: Math.round(memory.rss / 1024 / 1024),
  };
  await tessera.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function scale() {
  log(`scale: ${SCALE} tokens vs 10^4`);
  const sides = [];
  for (const count of [10_000, SCALE]) {
    const { url, server: seeder } = await tesseraOnPostgres(`scale${count}`);
    const tokens = await seedTokens(url, String(seeder.info.userId), count);
    await seeder.stop();
    const server = await startServer(`tessera-${count}`, 'servers/tessera.ts', {
      BENCH_DATABASE_URL: url,
      LOG_LEVEL: 'info',
      // Cold on both sides: the tokens cycle through a cache far smaller than either set (the
      // default 10⁴ entries would hold the whole 10⁴ side and make it a cache-hit figure).
      TOKEN_CACHE_SIZE: '1000',
    });
    let i = 0;
    sides.push({
      count,
      server,
      label: `tokens_${count}`,
      load: {
        path: '/api/me',
        perRequest: () => ({ authorization: `Bearer ${tokens[i++ % tokens.length]}` }),
      },
    });
  }
  const measured = await interleaved(sides);
  results.scale = Object.fromEntries(
    await Promise.all(
      sides.map(async (side) => {
        const stats = await side.server.call<Stats>('stats');
        const falsePositives = await side.server.call<{ measured: number; samples: number }>(
          'filterFalsePositives',
        );
        return [
          side.label,
          {
            ...measured[side.label],
            startup_ms: Math.round(Number(side.server.info.startupMs)),
            rss_mb_after: Math.round(stats.rss / 1024 / 1024),
            filter: {
              ...stats.filter,
              measured_false_positive_rate: falsePositives.measured,
              false_positive_samples: falsePositives.samples,
            },
          },
        ];
      }),
    ),
  );
  await Promise.all(sides.map((s) => s.server.stop()));
}

async function revocationPropagation() {
  log('revocation propagation across two instances');
  const { url, server: a } = await tesseraOnPostgres('revoke');
  const b = await startServer('tessera-b', 'servers/tessera.ts', {
    BENCH_DATABASE_URL: url,
    LOG_LEVEL: 'info',
  });
  const delays: number[] = [];
  /** How long A takes to answer the DELETE (ADR 0039: it now waits for the peers' acknowledgements). */
  const deleteLatencies: number[] = [];
  let successesAfter = 0;
  const iterations = quick ? 5 : 50;
  for (let i = 0; i < iterations; i++) {
    const created = await a.call<{ token: { id: string }; secret: string }>('createPat', {
      cookie: a.info.cookie,
    });
    const auth = { authorization: `Bearer ${created.secret}` };
    for (let k = 0; k < 3; k++)
      await fetch(`${b.info.url}/api/me`, { headers: auth }).then((r) => r.arrayBuffer());
    let deletedAt = 0;
    const deleteSentAt = performance.now();
    const revoke = fetch(`${a.info.url}/api/account/tokens/${created.token.id}`, {
      method: 'DELETE',
      headers: { cookie: String(a.info.cookie) },
    }).then(async (r) => {
      await r.arrayBuffer();
      deletedAt = performance.now();
      deleteLatencies.push(deletedAt - deleteSentAt);
    });
    let firstRefusal = 0;
    let after401 = 0;
    while (after401 < 20) {
      const sentAt = performance.now();
      const response = await fetch(`${b.info.url}/api/me`, { headers: auth });
      await response.arrayBuffer();
      if (response.status === 200 && deletedAt > 0 && sentAt > deletedAt) successesAfter += 1;
      if (response.status === 401) {
        if (!firstRefusal && deletedAt > 0) firstRefusal = performance.now();
        if (deletedAt > 0) after401 += 1;
      }
    }
    await revoke;
    delays.push(Math.max(0, firstRefusal - deletedAt));
  }
  const sorted = [...delays].sort((x, y) => x - y);
  const deletes = [...deleteLatencies].sort((x, y) => x - y);
  results.revocation = {
    iterations,
    p50_ms: round(median(sorted), 2),
    p99_ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!, 2),
    delete_p50_ms: round(median(deletes), 2),
    delete_p99_ms: round(deletes[Math.min(deletes.length - 1, Math.floor(deletes.length * 0.99))]!, 2),
    successes_after_delete_response: successesAfter,
  };
  await Promise.all([a.stop(), b.stop()]);
}

async function signInFlood() {
  log('sign-in flood');
  const { server } = await tesseraOnPostgres('signin');
  const seconds = quick ? 2 : 10;
  await server.call('reset');
  const [flood, health] = await Promise.all([
    cannon(
      server,
      {
        path: '/api/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: server.info.email, password: server.info.password }),
        connections: 50,
      },
      seconds,
    ),
    cannon(server, { path: '/api/health/live', connections: 1 }, seconds),
  ]);
  results.sign_in_flood = {
    connections: 50,
    seconds,
    sign_ins_answered_200_per_s: Math.round(flood['2xx'] / seconds),
    argon2_verifications_per_s: Math.round(flood['2xx'] / seconds),
    shed_503_per_s: Math.round(flood.non2xx / seconds),
    sign_in_p99_ms: flood.latency.p99,
    health_p99_ms: health.latency.p99,
    health_rps: Math.round(health.requests.average),
  };
  await server.stop();
}

// --- report ------------------------------------------------------------------------------------
async function versions() {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  const { rows } = await client.query('show server_version');
  await client.end();
  const pkg = (name: string) => {
    try {
      const file = path.join(here, '..', 'node_modules', name, 'package.json');
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    postgresql: rows[0].server_version as string,
    fastify: pkg('fastify'),
    pg: pkg('pg'),
    pglite: pkg('@electric-sql/pglite'),
    autocannon: pkg('autocannon'),
    better_auth: pkg('better-auth'),
  };
}

async function main() {
  if (wanted('reads')) await readsAndRejections();
  if (wanted('pglite')) await readsOnPGlite();
  if (wanted('revocation')) await revocationPropagation();
  if (wanted('signin')) await signInFlood();
  if (wanted('scale')) await scale();
  if (only) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const report = {
    measured_at: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    rounds: ROUNDS,
    seconds_per_run: SECONDS,
    connections: CONNECTIONS,
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model,
      memory_gb: Math.round(os.totalmem() / 1024 ** 3),
      load_average_at_end: os.loadavg().map((x) => round(x, 2)),
    },
    versions: await versions(),
    results,
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  const out = path.join(here, 'results', quick ? 'quick.json' : 'latest.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`written ${out}`);
  if (!quick) {
    const { renderMarkdown } = await import('./report.ts');
    writeFileSync(path.join(here, '..', 'BENCHMARKS.md'), renderMarkdown(report));
    log('written BENCHMARKS.md');
  }
}

async function cleanup() {
  killServers();
  for (const name of databases) await admin(`drop database if exists ${name} with (force)`).catch(() => {});
}

try {
  await main();
} finally {
  await cleanup();
  log('done');
}
process.exit(0);
