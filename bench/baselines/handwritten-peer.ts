/**
 * Baseline: a hand-written API-key check as many services write it — SELECT the key by its
 * SHA-256, UPDATE its last use, SELECT the agent (the same agent SQL as Tessera) — on the same
 * PostgreSQL tables, with Fastify and pg and nothing else.
 */
import { hash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { serve } from '../lib/child.ts';
import { AGENT_VISIBLE_WITH_FILES, agentView } from './agent-sql.ts';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/api/agents/:id', async (request, reply) => {
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return reply.code(401).send({ code: 'unauthenticated' });
  const key = await pool.query(
    `select c.id, c.user_id, c.scopes, c.expires_at from credentials c join users u on u.id = c.user_id
     where c.token_hash = $1 and c.revoked_at is null`,
    [hash('sha256', token, 'hex')],
  );
  const credential = key.rows[0];
  if (!credential || (credential.expires_at && credential.expires_at < new Date())) {
    return reply.code(401).send({ code: 'invalid_token' });
  }
  await pool.query('update credentials set last_used_at = now(), last_used_ip = $2 where id = $1', [
    credential.id,
    request.ip,
  ]);
  const { rows } = await pool.query(AGENT_VISIBLE_WITH_FILES, [request.params.id, credential.user_id]);
  if (!rows[0]) return reply.code(404).send({ code: 'not_found' });
  return agentView(rows[0]);
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
serve({ url });
