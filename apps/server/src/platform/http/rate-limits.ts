import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type CounterStore, counterRateLimitStore } from '../counter-store.ts';
import { AppError } from '../errors.ts';

export interface RateLimitOptions {
  /** Counters shared between instances (Redis); without them each instance counts alone, in memory. */
  shared?: CounterStore | undefined;
}

/**
 * Per-route limits (`config.rateLimit`), none global. A refusal is problem+json 429 with
 * Retry-After; with shared counters a failing store is a 503 (createRedisCounterStore).
 */
export const rateLimits = fp(
  async (app: FastifyInstance, options: RateLimitOptions) => {
    await app.register(rateLimit, {
      global: false,
      ...(options.shared ? { store: counterRateLimitStore(options.shared) } : {}),
      // Fail closed: if the shared store is down, sign-in is refused (503) rather than unthrottled.
      skipOnError: false,
      errorResponseBuilder: (_request, context) =>
        new AppError('rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        }),
    });
  },
  { name: 'rate-limits' },
);
