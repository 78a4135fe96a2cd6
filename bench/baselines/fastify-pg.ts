/**
 * Baseline: bare Fastify + pg running the same SQL as Tessera's agent read (one named prepared
 * statement) with no authentication: the limit for that work. BENCH_VIEWER_ID is the viewer.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { serve } from '../lib/child.ts';
import { AGENT_VISIBLE_WITH_FILES, agentView } from './agent-sql.ts';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const viewer = process.env.BENCH_VIEWER_ID;
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/api/agents/:id', async (request, reply) => {
  const { rows } = await pool.query({
    name: 'agent_visible_with_files',
    text: AGENT_VISIBLE_WITH_FILES,
    values: [request.params.id, viewer],
  });
  if (!rows[0]) return reply.code(404).send({ code: 'not_found' });
  return agentView(rows[0]);
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
serve({ url });
