import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { sendProblem } from './error-handler.ts';

/**
 * Draining on shutdown (ADR 0026). Once `app.close()` starts:
 * - the listening socket is closed, so new connections are refused;
 * - requests already in progress run to the end, and their answers say `Connection: close`, so a
 *   keep-alive client does not reuse (and hold open) a connection that is about to go away;
 * - a request that still reaches a route (it was arriving on an open connection) is answered
 *   503 `service_unavailable` problem+json with `Retry-After` — never Fastify's bare JSON 503;
 * - idle keep-alive connections are closed at once and again every `idleSweepMs`, so a client
 *   that keeps a connection open cannot hold shutdown until the keep-alive timeout.
 * The app must be built with `return503OnClosing: false` so that this plugin answers instead.
 */
export interface GracefulShutdownOptions {
  idleSweepMs?: number;
}

export const gracefulShutdown = fp(
  async (app: FastifyInstance, options: GracefulShutdownOptions) => {
    let draining = false;
    let sweep: NodeJS.Timeout | undefined;
    const refusal = () =>
      new AppError('service_unavailable', 'This instance is shutting down; retry the request.', {
        headers: { 'retry-after': '1', connection: 'close' },
      });

    app.addHook('preClose', async () => {
      draining = true;
      const closeIdle = () => app.server.closeIdleConnections?.();
      closeIdle();
      sweep = setInterval(closeIdle, options.idleSweepMs ?? 100);
      sweep.unref();
    });
    app.addHook('onClose', async () => {
      if (sweep) clearInterval(sweep);
    });

    // Callback-style hooks: they run on every request, and an async hook costs a promise and a
    // microtask turn each even when it does nothing (issue #13).
    app.addHook('onRequest', (request, reply, done) => {
      if (!draining) return done();
      sendProblem(reply, refusal(), request);
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'graceful-shutdown' },
);

export interface SignalHandlingOptions {
  /** How long in-flight requests may take after SIGTERM before their connections are cut. */
  graceMs: number;
  /** Time after the grace period for the last-use flush and the store to close before a forced exit. */
  closeMs?: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM/SIGINT: drain (see above), then the onClose hooks flush last-use data and close the
 * store; exit 0. If requests are still running when the grace period ends, their connections are
 * cut (logged) and closing goes on; if even that does not finish, exit 1.
 */
export function stopOnSignals(app: FastifyInstance, options: SignalHandlingOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    app.log.info({ signal, graceMs: options.graceMs }, 'shutting down: draining requests in progress');
    const grace = setTimeout(() => {
      app.log.warn(
        { graceMs: options.graceMs },
        'shutdown grace period over: closing the connections of requests still in progress',
      );
      app.server.closeAllConnections?.();
    }, options.graceMs);
    grace.unref();
    const force = setTimeout(
      () => {
        app.log.error('shutdown did not finish after the grace period; exiting');
        exit(1);
      },
      options.graceMs + (options.closeMs ?? 10_000),
    );
    force.unref();
    try {
      // Refuses new connections, lets requests in progress finish, then runs the onClose hooks
      // (last-use flush, revocation feed, store).
      await app.close();
      app.log.info({ durationMs: Date.now() - startedAt }, 'shut down');
      exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      exit(1);
    } finally {
      clearTimeout(grace);
      clearTimeout(force);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
