import { Type } from 'typebox';
import type { Database } from '../../platform/database/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
});

const Live = Type.Object({ status: Type.Literal('ok') });

const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({
    database: Type.Literal('ok'),
    notifications: Type.Literal('ok'),
    migrations: Type.Literal('ok'),
  }),
});

export type HealthDeps = {
  database: Pick<Database, 'ping' | 'pendingMigrations'>;
  /** Whether revocations from other instances are being heard (the LISTEN connection). */
  notificationsConnected: () => boolean;
};

export const healthRoutes: AppPlugin<HealthDeps> = async (app, { database, notificationsConnected }) => {
  const route = declareRoutes(['meta'], 'public');
  // `/health` at the root answers the same, for load balancers and for registry clients'
  // connectivity checks (`curl -I HOST/health`).
  for (const [url, operationId] of [
    ['/api/health', 'getHealth'],
    ['/health', 'getRootHealth'],
  ] as const) {
    app.get(
      url,
      route({
        summary:
          url === '/health'
            ? 'Liveness and store health (root alias of /api/health)'
            : 'Liveness and store health',
        operationId,
        response: { 200: Health, 503: Health },
      }),
      async (_request, reply) => {
        const up = await database.ping();
        reply.header('cache-control', 'no-store');
        return up
          ? { status: 'ok' as const, database: 'ok' as const }
          : reply.code(503).send({ status: 'unavailable' as const, database: 'down' as const });
      },
    );
  }

  app.get(
    '/api/health/live',
    route(
      {
        summary: 'Liveness: the process is up and answering',
        description:
          'Never looks at the store: a load balancer or orchestrator restarts the process only when this fails.',
        operationId: 'getHealthLive',
        response: { 200: Live },
      },
      { logLevel: 'warn' },
    ),
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/health/ready',
    route(
      {
        summary: 'Readiness: this instance can serve traffic',
        description:
          'Ready when the store answers, revocations from other instances are being heard (LISTEN on ' +
          'PostgreSQL) and every migration this version knows has been applied. Otherwise 503 with ' +
          '`Retry-After`; the `detail` names what is missing. Send traffic elsewhere until it is ready.',
        operationId: 'getHealthReady',
        response: { 200: Ready },
        errors: [503],
      },
      { logLevel: 'warn' },
    ),
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const missing: string[] = [];
      const storeUp = await database.ping();
      if (!storeUp) missing.push('the store is unreachable');
      if (!notificationsConnected()) missing.push('the revocation feed (LISTEN) is disconnected');
      if (storeUp) {
        const pending = await database.pendingMigrations().catch((error: unknown) => {
          request.log.warn({ err: error }, 'readiness: migrations could not be checked');
          return undefined;
        });
        if (pending === undefined) missing.push('migrations could not be checked');
        else if (pending.length > 0) missing.push(`migrations pending: ${pending.join(', ')}`);
      }
      if (missing.length > 0) {
        throw new AppError('service_unavailable', `Not ready: ${missing.join('; ')}.`, {
          headers: { 'retry-after': '5' },
        });
      }
      return {
        status: 'ready' as const,
        checks: { database: 'ok' as const, notifications: 'ok' as const, migrations: 'ok' as const },
      };
    },
  );
};
