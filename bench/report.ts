/** Renders bench/results/latest.json as BENCHMARKS.md: the goals of issue #13, met or not, then every figure. */
// biome-ignore lint/suspicious/noExplicitAny: the report is plain JSON written by bench/run.ts
type Json = any;

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : 0);
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');

export function renderMarkdown(report: Json): string {
  const r = report.results;
  const reads = r.reads_postgres;
  const fixed = r.fixed_overhead;
  const rejections = r.rejections_postgres;
  const scaleKeys = Object.keys(r.scale);
  const small = r.scale[scaleKeys[0]!];
  const large = r.scale[scaleKeys[1]!];
  const fixedRatio = ratio(fixed.tessera_bad_checksum_401.rps, fixed.bare_fastify.rps);
  const readRatio = ratio(reads.tessera.rps, reads.fastify_pg_same_sql.rps);
  const peerRatio = ratio(reads.tessera.rps, reads.handwritten_peer.rps);
  const logCost = (side: Json, silent: Json) =>
    side && silent
      ? `${side.rps} vs ${silent.rps} req/s = ${ratio(side.rps, silent.rps)}×, CPU ${side.cpu_us_per_req} vs ${silent.cpu_us_per_req} µs/req`
      : 'not measured in this run';
  const scaleRatio = ratio(large.p99, small.p99);
  /** Each round's ratio (rounds alternate the sides' order), to show the spread behind a median. */
  const roundRatios = (side: Json, baseline: Json) =>
    side.rps_rounds && baseline.rps_rounds
      ? `; by round ${side.rps_rounds.map((rps: number, i: number) => ratio(rps, baseline.rps_rounds[i])).join(', ')}`
      : '';

  const goals: Array<[string, string, string]> = [
    [
      'Fixed overhead: malformed-token 401 ≥ 0.6× bare Fastify req/s',
      verdict(fixedRatio >= 0.6),
      `${fixed.tessera_bad_checksum_401.rps} vs ${fixed.bare_fastify.rps} req/s = **${fixedRatio}×** (was 0.27×)${roundRatios(fixed.tessera_bad_checksum_401, fixed.bare_fastify)}`,
    ],
    [
      'Access log cost (measured, not a goal)',
      '—',
      `Against LOG_LEVEL=silent: the 401 with refusals folded per address (default, ADR 0043) ${logCost(fixed.tessera_bad_checksum_401, fixed.tessera_bad_checksum_401_log_silent)}; with one line per refusal (LOG_REFUSALS=each) ${logCost(fixed.tessera_bad_checksum_401_log_each, fixed.tessera_bad_checksum_401_log_silent)}; the read, one line per request, ${logCost(reads.tessera, reads.tessera_log_silent)}`,
    ],
    [
      'Authenticated reads (PostgreSQL) ≥ 0.85× bare Fastify + pg, same SQL',
      verdict(readRatio >= 0.85),
      `${reads.tessera.rps} vs ${reads.fastify_pg_same_sql.rps} req/s = **${readRatio}×**${roundRatios(reads.tessera, reads.fastify_pg_same_sql)}; SQL/req ${reads.tessera.sql_per_req} vs ${reads.fastify_pg_same_sql.sql_per_req}`,
    ],
    reads.better_auth_api_key
      ? [
          `Authenticated reads ≥ 5× Better Auth api-key (${report.versions.better_auth}, rate limiter off, same PostgreSQL)`,
          verdict(ratio(reads.tessera.rps, reads.better_auth_api_key.rps) >= 5),
          `${reads.tessera.rps} vs ${reads.better_auth_api_key.rps} req/s = **${ratio(reads.tessera.rps, reads.better_auth_api_key.rps)}×** (was 3.3×); SQL/req ${reads.tessera.sql_per_req} vs ${reads.better_auth_api_key.sql_per_req}; CPU ${reads.tessera.cpu_us_per_req} vs ${reads.better_auth_api_key.cpu_us_per_req} µs/req`,
        ]
      : [
          'Authenticated reads ≥ 5× Better Auth api-key',
          '**not measured**',
          'no Better Auth figure in this run',
        ],
    [
      'Hand-written SELECT/UPDATE/SELECT peer (reference)',
      '—',
      `${reads.tessera.rps} vs ${reads.handwritten_peer.rps} req/s = ${peerRatio}×; SQL/req ${reads.tessera.sql_per_req} vs ${reads.handwritten_peer.sql_per_req}`,
    ],
    [
      'Embedded store: the same read on PGlite ≥ 2,000 req/s',
      verdict(r.reads_pglite.tessera.rps >= 2000),
      `**${r.reads_pglite.tessera.rps} req/s**, p99 ${r.reads_pglite.tessera.p99} ms (was 924)`,
    ],
    [
      'Zero-query rejection: never-issued well-formed tokens cost no query',
      verdict(rejections.unknown_well_formed_new_each_request.sql_per_req === 0),
      `SQL/req **${rejections.unknown_well_formed_new_each_request.sql_per_req}** (statements caused by the requests; background jobs ${rejections.unknown_well_formed_new_each_request.background_sql_per_s ?? '?'}/s apart), listener round trips/req ${rejections.unknown_well_formed_new_each_request.listener_round_trips_per_req} (no table read; ADR 0022); ${rejections.unknown_well_formed_new_each_request.rps} req/s; filter ${r.memory.filter?.keys} keys in ${kb(r.memory.filter?.bytes)} here, ${kb(large.filter?.bytes)} at ${large.filter?.keys} keys`,
    ],
    [
      `Scale: cold verification p99 ≤ 5 ms at ${scaleKeys[1]!.replace('tokens_', '')} tokens and ≤ 1.2× the 10⁴ figure`,
      verdict(large.p99 <= 5 && scaleRatio <= 1.2),
      `p99 **${large.p99} ms** vs ${small.p99} ms at 10⁴ = ${scaleRatio}×; start-up ${large.startup_ms} ms (10⁴: ${small.startup_ms} ms); RSS ${large.rss_mb_after} MB (10⁴: ${small.rss_mb_after} MB)`,
    ],
    [
      `Issued-token filter at ${large.filter?.keys} keys: ≤ 1 % false positives`,
      verdict((large.filter?.measured_false_positive_rate ?? 1) <= 0.01),
      `${pct(large.filter?.measured_false_positive_rate)} measured (${pct(large.filter?.expectedFalsePositiveRate)} expected) in ${kb(large.filter?.bytes)}`,
    ],
    [
      'Sign-in flood (50 connections): health p99 ≤ 50 ms',
      verdict(r.sign_in_flood.health_p99_ms <= 50),
      `health p99 **${r.sign_in_flood.health_p99_ms} ms**; ${r.sign_in_flood.argon2_verifications_per_s} argon2id verifications/s, sign-in p99 ${r.sign_in_flood.sign_in_p99_ms} ms, ${r.sign_in_flood.shed_503_per_s} shed (503)/s`,
    ],
    [
      'Revocation across two instances: no success after the DELETE response',
      verdict(r.revocation.successes_after_delete_response === 0),
      `DELETE → first 401 on the other instance p50 ${r.revocation.p50_ms} ms, p99 ${r.revocation.p99_ms} ms over ${r.revocation.iterations} revocations; successes after: **${r.revocation.successes_after_delete_response}**`,
    ],
    [
      'Last-use writes under load (statements, not rows)',
      '—',
      `Tessera ${reads.tessera.updates_per_minute} UPDATE statements/min vs the peer's ${reads.handwritten_peer.updates_per_minute}/min`,
    ],
  ];

  const table = (rows: Record<string, Json>) =>
    [
      '| side | req/s | p50 ms | p99 ms | CPU µs/req | GC pause µs/req | SQL/req | background SQL/s | listener round trips/req | UPDATEs/min | non-2xx share |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...Object.entries(rows).map(
        ([label, m]) =>
          `| ${label} | ${m.rps} | ${m.p50} | ${m.p99} | ${m.cpu_us_per_req} | ${m.gc_us_per_req ?? '?'} | ${m.sql_per_req} | ${m.background_sql_per_s ?? '?'} | ${m.listener_round_trips_per_req} | ${m.updates_per_minute} | ${m.non_2xx_share} |`,
      ),
    ].join('\n');

  return `# Benchmarks

Measured ${report.measured_at} with \`npm run bench\` (${report.rounds} interleaved rounds of
${report.seconds_per_run} s per side, medians; autocannon, ${report.connections} connections unless
noted). Every server runs in its own process; statements are counted exactly at the database
drivers (bench/lib/child.ts), those caused by requests (SQL/req) apart from the process's
background jobs (background SQL/s); CPU is the server process's own, GC pause the time its main
thread stood in garbage collection. Each scenario uses a database of
its own on 127.0.0.1:5432, created and dropped by the run.

Machine: ${report.machine.cpus} × ${report.machine.cpu_model}, ${report.machine.memory_gb} GB;
load average at the end ${report.machine.load_average_at_end.join(' / ')} (a shared machine:
absolute figures are noisy, ratios within one run are what to compare). Versions: Node
${report.versions.node}, PostgreSQL ${report.versions.postgresql}, Fastify ${report.versions.fastify},
pg ${report.versions.pg}, PGlite ${report.versions.pglite}, autocannon ${report.versions.autocannon}.

Reproduce: \`npm run bench\` (full, writes this file and bench/results/latest.json) or
\`npm run bench -- --quick\` (smoke run, bench/results/quick.json). Needs PostgreSQL on
127.0.0.1:5432 (\`BENCH_PG\` to change).

## Goals (issue #13)

| goal | status | measured |
| --- | --- | --- |
${goals.map((g) => `| ${g.join(' | ')} |`).join('\n')}

## Reads: PAT → \`GET /api/agents/{id}\` on PostgreSQL

${table(reads)}

## Reads on the embedded store (PGlite)

${table(r.reads_pglite)}

## Fixed overhead: a 401 for a bad-checksum token

${table(fixed)}

## Rejections on PostgreSQL

${table(rejections)}

## Scale: cold verification (\`GET /api/me\`, each request a different issued PAT, verification cache missed)

${table(Object.fromEntries(Object.entries(r.scale).map(([k, v]) => [k, v])))}

${Object.entries(r.scale)
  .map(
    ([k, v]: [string, Json]) =>
      `- ${k}: start-up ${v.startup_ms} ms (migrations check + filter build), RSS after the run ${v.rss_mb_after} MB, filter ${v.filter?.keys} keys in ${kb(v.filter?.bytes)}, false positives ${pct(v.filter?.measured_false_positive_rate)} measured over ${v.filter?.false_positive_samples} never-issued keys (${pct(v.filter?.expectedFalsePositiveRate)} expected)`,
  )
  .join('\n')}

## Revocation propagation, sign-in flood, memory

\`\`\`json
${JSON.stringify({ revocation: r.revocation, sign_in_flood: r.sign_in_flood, memory: r.memory }, null, 2)}
\`\`\`

## Notes

- Better Auth baseline (bench/baselines/better-auth.ts): \`verifyApiKey\` on every request, then the
  same agent statement as Tessera; its tables live in the same benchmark database.
- The embedded store (PGlite) answers the agent read from memory until the next statement that may
  write (ADR 0027), so its SQL/req is the share of requests that followed a write (the last-use
  flush, the notice poller). Measured alone, the agent statement costs ≈ 1 ms of PGlite CPU.
- Fixed per-request work removed for this run (ADR 0021, 0027): no stack trace for 4xx errors, log
  redaction that inspects only object members (pino's wildcard paths cost ≈ 40 µs a line), standard
  output written once per event-loop turn, callback-style shutdown hooks, prepared statements for
  the verifier's cache miss and \`GET /api/me\`'s user read; since 2026-12-04 also an identity
  built once per cached credential (not copied per request) and a malformed token refused
  synchronously (no promise or microtask turn).
- SQL/req counts the statements the requests caused, in a counting pass of ${report.mode === 'quick' ? '0.5' : '2'} s per side
  before the timed rounds: each request is then served inside an AsyncLocalStorage scope
  (bench/lib/child.ts), which follows every piece of asynchronous work the request starts, even
  after its response; statements outside any request (last-use flush, notice delivery poll every
  2 s, purge) are background SQL/s. UPDATEs/min and listener round trips come from the timed rounds.
  The timed rounds run without the scope: on Node 20 it runs promise hooks on every promise, which
  taxes a server in proportion to the promises it makes (measured: 6–16 µs per request on Tessera's
  401 path, less on a bare route), so it would distort the ratios it does not need to measure.
- Tools: \`tsx bench/profile.ts <read|401|unknown|me> [pg|pglite]\` profiles one load with
  \`node --cpu-prof\`; \`tsx bench/inject-cost.ts\` measures CPU per request in one process.
`;
}

function pct(share: number | undefined) {
  return share === undefined ? '?' : `${(share * 100).toFixed(3)} %`;
}

function kb(bytes: number | undefined) {
  return bytes === undefined ? '?' : `${Math.round(bytes / 1024)} KiB`;
}
