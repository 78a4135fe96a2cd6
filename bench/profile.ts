/**
 * Profiles one Tessera load under autocannon: `tsx bench/profile.ts <read|401|unknown|me> [pg|pglite] [seconds]`.
 * Starts bench/servers/tessera.ts with `node --cpu-prof` (profile written to BENCH_PROFILE_DIR,
 * default /tmp/tessera-profile) and prints req/s, p99 and CPU µs/req; a developer's tool, not part
 * of `npm run bench`. PREWARM_READ=<seconds> first serves PAT reads for that long, so that a 401
 * load meets a process that has served reads, as in `npm run bench` (ADR 0043 has the figures).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateToken } from '../apps/server/src/modules/credentials/token-format.ts';
import { admin, databaseUrl } from './lib/bench-database.ts';

const [load = 'read', store = 'pg', seconds = '5'] = process.argv.slice(2);
const dir = process.env.BENCH_PROFILE_DIR ?? '/tmp/tessera-profile';
mkdirSync(dir, { recursive: true });

const env: Record<string, string> = { BENCH_SEED: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
const database = `tessera_profile_${process.pid}`;
if (store === 'pg') {
  await admin(`create database ${database}`);
  env.BENCH_DATABASE_URL = databaseUrl(database);
} else {
  env.BENCH_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'tessera-profile-pglite-'));
}
async function start(script: string, extra: Record<string, string>) {
  const child = fork(path.join(import.meta.dirname, script), [], {
    execArgv: [
      ...(process.env.NO_PROF ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]),
      // SERVER_NODE_FLAGS: V8/Node flags for the server under test only (not this client).
      ...(process.env.SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
    ],
    env: { ...process.env, ...env, ...extra },
    // SERVER_STDOUT=1: the server's standard output (its log, V8's --trace-gc-nvp lines) passes through.
    stdio: ['ignore', process.env.SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const replies: Array<(v: unknown) => void> = [];
  const info = await new Promise<Record<string, string>>((resolve) =>
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) resolve(m as never);
      else replies.shift()?.(m.reply);
    }),
  );
  const call = (type: string, args?: Record<string, unknown>) =>
    new Promise<Record<string, number>>((resolve) => {
      replies.push(resolve as never);
      child.send({ id: 0, type, args });
    });
  return { child, info, call };
}
const tessera = await start('servers/tessera.ts', {});
/** BENCH_BASELINE=baselines/fastify-pg.ts profiles that baseline under the same load instead. */
const target = process.env.BENCH_BASELINE
  ? await start(process.env.BENCH_BASELINE, { BENCH_VIEWER_ID: tessera.info.userId! })
  : tessera;
const info: Record<string, string> = { ...tessera.info, url: target.info.url! };
const { child, call } = target;
const headers: Record<string, string> = {};
let url = `${info.url}/api/me`;
if (load === 'read') {
  url = `${info.url}/api/agents/${info.agentId}`;
  headers.authorization = `Bearer ${info.pat}`;
} else if (load === '401') {
  headers.authorization = `Bearer ${info.pat!.slice(0, -1)}${info.pat!.endsWith('A') ? 'B' : 'A'}`;
} else if (load === 'me') {
  headers.authorization = `Bearer ${info.pat}`;
}
// `unknown`: a well-formed, never-issued PAT, a new one each request (as bench/run.ts sends them).
const perRequest =
  load === 'unknown'
    ? {
        requests: [
          {
            setupRequest: (request: Record<string, unknown>) => ({
              ...request,
              headers: { ...(request.headers as object), authorization: `Bearer ${generateToken('pat')}` },
            }),
          },
        ],
      }
    : {};
if (process.env.PREWARM_READ)
  await autocannon({
    url: `${info.url}/api/agents/${info.agentId}`,
    headers: { authorization: `Bearer ${info.pat}` },
    connections: 10,
    duration: Number(process.env.PREWARM_READ),
  });
await autocannon({ url, headers, connections: 10, duration: 1, ...perRequest });
// Timed as bench/run.ts times its rounds: without the statement-attribution scope (bench/lib/child.ts).
await call('attribution', { on: false });
await call('reset');
const result = await autocannon({ url, headers, connections: 10, duration: Number(seconds), ...perRequest });
const stats = await call('stats');
console.log(
  JSON.stringify({
    load,
    store,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu_us_per_req: Math.round(Number(stats.cpuMicros) / result.requests.total),
    user_us_per_req: Math.round(Number(stats.cpuUserMicros) / result.requests.total),
    gc_us_per_req: Math.round((Number(stats.gcMicros) / result.requests.total) * 10) / 10,
    non2xx: result.non2xx,
    sql: stats.counts,
  }),
);
for (const c of new Set([child, tessera.child])) {
  c.kill('SIGTERM');
  await new Promise((resolve) => c.once('exit', resolve));
}
if (store === 'pg') await admin(`drop database ${database} with (force)`);
