/**
 * Baseline: Better Auth's api-key plugin (better-auth, @better-auth/core and @better-auth/api-key
 * 1.7.5, pinned together; rate limiting off, telemetry off) on the same PostgreSQL database as
 * Tessera, in its own tables. Each request verifies the `x-api-key` header with
 * `auth.api.verifyApiKey` and then runs the same agent read as Tessera (the one statement of
 * bench/baselines/agent-sql.ts, as the viewer BENCH_VIEWER_ID): the api-key path plus the same
 * data access, with Fastify and pg and nothing else.
 */
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import Fastify from 'fastify';
import pg from 'pg';
import { serve } from '../lib/child.ts';
import { AGENT_VISIBLE_WITH_FILES, agentView } from './agent-sql.ts';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const viewer = process.env.BENCH_VIEWER_ID;
const options = {
  database: pool,
  secret: 'benchmark-secret-benchmark-secret-benchmark',
  baseURL: 'http://127.0.0.1',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
  plugins: [apiKey({ rateLimit: { enabled: false } })],
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
const { user } = await auth.api.signUpEmail({
  body: { email: `bench-${process.pid}@example.test`, password: 'benchmark password 123', name: 'bench' },
});
const created = await auth.api.createApiKey({ body: { userId: user.id } });

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/api/agents/:id', async (request, reply) => {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string') return reply.code(401).send({ code: 'unauthenticated' });
  const verified = await auth.api.verifyApiKey({ body: { key } });
  if (!verified.valid) return reply.code(401).send({ code: 'invalid_token' });
  const { rows } = await pool.query({
    name: 'agent_visible_with_files',
    text: AGENT_VISIBLE_WITH_FILES,
    values: [request.params.id, viewer],
  });
  if (!rows[0]) return reply.code(404).send({ code: 'not_found' });
  return agentView(rows[0]);
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
serve({ url, apiKey: created.key, version: '1.7.5' });
