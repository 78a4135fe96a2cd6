/** Baseline: bare Fastify 5, one route answering fixed JSON, no logging, no hooks. */
import Fastify from 'fastify';
import { serve } from '../lib/child.ts';

const app = Fastify({ logger: false });
app.get('/*', async () => ({ status: 'ok' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
serve({ url });
