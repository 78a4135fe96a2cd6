import { Type } from 'typebox';
import type { Database } from '../../platform/database/database.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
});

export const healthRoutes: AppPlugin<{ database: Pick<Database, 'ping'> }> = async (app, { database }) => {
  app.get(
    '/api/health',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Liveness and store health',
        operationId: 'getHealth',
        tags: ['meta'],
        security: [],
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const up = await database.ping();
      reply.header('cache-control', 'no-store');
      return up
        ? { status: 'ok' as const, database: 'ok' as const }
        : reply.code(503).send({ status: 'unavailable' as const, database: 'down' as const });
    },
  );
};
