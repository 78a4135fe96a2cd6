/**
 * Side by side: servers under the same load at the same time, compared by CPU per request
 * (ADR 0046). On a machine whose speed swings within seconds, sequential runs cannot show a
 * change of a few per cent; sides that run together meet the same machine.
 *
 *   tsx bench/side-by-side.ts [--rounds 6] [--seconds 5] <side> <side> …
 *
 * A side is `read` (Tessera, PAT → GET /api/agents/{id}), `bare` (Tessera's process serving the
 * same statement and answer with no credential and no route layers: `BENCH_BARE_ROUTE`) or
 * `baseline` (bench/baselines/fastify-pg.ts), optionally followed by `@<checkout>` (another
 * working tree of this repository, for an A/B of two builds) and `,KEY=VALUE` settings for that
 * server (`read,LOG_LEVEL=warn`). Ratios are to the first side. Two copies of the same build
 * differ by a few per cent depending on start order: run an A/B in both orders.
 * Writes bench/results/side-by-side.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { admin, databaseUrl } from './lib/bench-database.ts';
import { type BenchServer, startServer } from './lib/server-process.ts';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
}
const rounds = option('rounds', 6);
const seconds = option('seconds', 5);
if (args.length < 2) {
  console.error('usage: tsx bench/side-by-side.ts [--rounds N] [--seconds S] <side> <side> …');
  process.exit(2);
}

type Kind = 'read' | 'bare' | 'baseline';
interface SideSpec {
  label: string;
  kind: Kind;
  checkout: string;
  env: Record<string, string>;
}
const here = path.resolve(import.meta.dirname, '..');
function parseSide(text: string): SideSpec {
  const [head = '', ...settings] = text.split(',');
  const [kind, checkout] = head.split('@');
  if (kind !== 'read' && kind !== 'bare' && kind !== 'baseline') throw new Error(`unknown side "${kind}"`);
  const env = Object.fromEntries(settings.map((s) => s.split('=', 2) as [string, string]));
  return { label: text, kind, checkout: path.resolve(checkout ?? here), env };
}
const specs = args.map(parseSide);

const database = `tessera_side_by_side_${process.pid}`;

await admin(`create database ${database}`);
const servers: BenchServer[] = [];
try {
  // Tessera sides seed their own user, PAT and agent; baselines read the first Tessera side's agent.
  const sides: Array<{ spec: SideSpec; server: BenchServer; url: string; headers: Record<string, string> }> =
    [];
  let seeded: BenchServer['info'] | undefined;
  for (const spec of [...specs].sort(
    (a, b) => Number(a.kind === 'baseline') - Number(b.kind === 'baseline'),
  )) {
    const common = { BENCH_DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'info', ...spec.env };
    if (spec.kind === 'baseline') {
      if (!seeded) throw new Error('a baseline side needs a read or bare side to seed its agent');
      const server = await startServer(
        spec.label,
        path.join(spec.checkout, 'bench/baselines/fastify-pg.ts'),
        {
          ...common,
          BENCH_VIEWER_ID: String(seeded.userId),
        },
      );
      servers.push(server);
      sides.push({ spec, server, url: `${server.info.url}/api/agents/${seeded.agentId}`, headers: {} });
      continue;
    }
    const server = await startServer(spec.label, path.join(spec.checkout, 'bench/servers/tessera.ts'), {
      ...common,
      BENCH_SEED: '1',
      ...(spec.kind === 'bare' ? { BENCH_BARE_ROUTE: '1' } : {}),
    });
    servers.push(server);
    seeded ??= server.info;
    const { url, agentId, pat } = server.info as Record<string, string>;
    sides.push(
      spec.kind === 'bare'
        ? { spec, server, url: `${url}/bench/agents/${agentId}`, headers: {} }
        : { spec, server, url: `${url}/api/agents/${agentId}`, headers: { authorization: `Bearer ${pat}` } },
    );
  }
  sides.sort((a, b) => specs.indexOf(a.spec) - specs.indexOf(b.spec));

  const load = (side: (typeof sides)[number], duration: number) =>
    autocannon({ url: side.url, headers: side.headers, connections: 10, duration });
  for (const side of sides) await side.server.call('attribution', { on: false });
  await Promise.all(sides.map((side) => load(side, 3)));

  const cpu: number[][] = sides.map(() => []);
  const rps: number[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) await side.server.call('reset');
    const results = await Promise.all(sides.map((side) => load(side, seconds)));
    for (const [i, side] of sides.entries()) {
      const stats = await side.server.call<{ cpuMicros: number }>('stats');
      const result = results[i]!;
      if (result.non2xx > 0) throw new Error(`${side.spec.label}: ${result.non2xx} answers were not 2xx`);
      cpu[i]!.push(stats.cpuMicros / result.requests.total);
      rps[i]!.push(result.requests.average);
    }
    console.log(
      `round ${round + 1}: ${sides.map((s, i) => `${s.spec.label} ${cpu[i]!.at(-1)!.toFixed(1)} µs/req`).join(' | ')}`,
    );
  }

  const summary = sides.map((side, i) => {
    const ratios = cpu[i]!.map((value, round) => value / cpu[0]![round]!);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const variance = ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, ratios.length - 1);
    return {
      side: side.spec.label,
      cpu_us_per_req: cpu[i]!.map((v) => Math.round(v * 10) / 10),
      rps: rps[i]!.map(Math.round),
      cpu_ratio_to_first: Math.round(mean * 1000) / 1000,
      standard_error: Math.round(Math.sqrt(variance / ratios.length) * 1000) / 1000,
    };
  });
  for (const s of summary)
    console.log(`${s.side}: CPU per request ${s.cpu_ratio_to_first}× the first side (± ${s.standard_error})`);
  mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(
    path.join(import.meta.dirname, 'results', 'side-by-side.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), rounds, seconds, sides: summary }, null, 2)}\n`,
  );
} finally {
  for (const server of servers) await server.stop();
  await admin(`drop database ${database} with (force)`);
}
