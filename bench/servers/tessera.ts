/**
 * Tessera as a benchmark target: the real app (buildApp) on PostgreSQL (BENCH_DATABASE_URL) or
 * the embedded store (BENCH_DATA_DIR), logging at LOG_LEVEL to stdout (the runner discards it).
 * The process is set up as apps/server/src/server.ts sets it up (V8 settings, ADR 0044).
 * With BENCH_SEED=1 it creates a user, a PAT, a revoked PAT and an agent with one file.
 * With BENCH_BARE_ROUTE=1 it also serves `GET /bench/agents/:id`: the agent read's prepared
 * statement and answer for the seeded user, with no credential and no route layers — the
 * platform's own share of the read (bench/side-by-side.ts, ADR 0046).
 */
import { counts, serve } from '../lib/child.ts';

const { buildApp } = await import('../../apps/server/src/app.ts');
const { loadConfig } = await import('../../apps/server/src/config.ts');
const { openDatabase } = await import('../../apps/server/src/platform/database/database.ts');
const { applyV8Settings } = await import('../../apps/server/src/platform/v8-settings.ts');

// As apps/server/src/server.ts starts the process.
applyV8Settings();

const started = performance.now();
const config = loadConfig({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
  TESSERA_DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/tessera-bench',
  TESSERA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  TESSERA_WEB_DIST: '/nonexistent',
  RATE_LIMIT_SIGN_IN_PER_MINUTE: '10000000',
  RATE_LIMIT_FAILURES_PER_ACCOUNT: '10000000',
  RATE_LIMIT_TOKEN_ENDPOINT_PER_MINUTE: '10000000',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
});
const database = await openDatabase(config);
const app = await buildApp({ config, database, ownsDatabase: true });
let bareRouteViewer = '';
if (process.env.BENCH_BARE_ROUTE === '1') {
  const { AGENT_VISIBLE_WITH_FILES, agentView } = await import('../baselines/agent-sql.ts');
  const read = database.prepare<Record<string, unknown>>(
    'bench_agent_visible_with_files',
    AGENT_VISIBLE_WITH_FILES,
  );
  app.get<{ Params: { id: string } }>('/bench/agents/:id', async (request, reply) => {
    const [row] = await read([request.params.id, bareRouteViewer]);
    if (!row) return reply.code(404).send({ code: 'not_found' });
    return agentView(row);
  });
}
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const startupMs = performance.now() - started;

const password = 'benchmark password 123';
async function seed() {
  const email = `bench-${process.pid}-${Date.now()}@example.test`;
  const signup = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password } });
  const cookie = `tessera_session=${signup.cookies.find((c) => c.name === 'tessera_session')!.value}`;
  const pat = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/account/tokens',
        headers: { cookie },
        payload: { name: `bench-${Math.random()}`, scopes: ['profile:read', 'agents:read', 'agents:write'] },
      })
    ).json() as { token: { id: string }; secret: string };
  const live = await pat();
  const revoked = await pat();
  await app.inject({ method: 'DELETE', url: `/api/account/tokens/${revoked.token.id}`, headers: { cookie } });
  const auth = { authorization: `Bearer ${live.secret}` };
  const agent = (
    await app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: auth,
      payload: {
        name: 'bench agent',
        description: 'an agent to read',
        category: 'coding',
        tags: ['bench'],
        visibility: 'private',
      },
    })
  ).json() as { agent_id: string };
  const boundary = 'benchboundary';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="agent.md"\r\nContent-Type: text/markdown\r\n\r\n# bench\r\n--${boundary}--\r\n`;
  await app.inject({
    method: 'POST',
    url: `/api/agents/${agent.agent_id}/upload`,
    headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  const userId = (await app.inject({ url: '/api/me', headers: auth })).json().user.id as string;
  return {
    email,
    password,
    cookie,
    pat: live.secret,
    revokedPat: revoked.secret,
    agentId: agent.agent_id,
    userId,
  };
}

const seeded = process.env.BENCH_SEED === '1' ? await seed() : undefined;
bareRouteViewer = seeded?.userId ?? '';
void counts;
serve(
  { url, startupMs, ...seeded },
  () => ({ filter: app.credentials.issued.stats(), heap: process.memoryUsage().heapUsed }),
  {
    async filterFalsePositives() {
      return { measured: app.credentials.issued.measureFalsePositiveRate(200_000), samples: 200_000 };
    },
    async createPat(args) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/account/tokens',
        headers: { cookie: String(args.cookie) },
        payload: { name: `p-${Math.random()}`, scopes: ['profile:read'] },
      });
      return response.json();
    },
  },
);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
