import { Redis } from 'ioredis';
import { AppError } from './errors.ts';

/**
 * The Redis client that shares rate limits and sign-in budgets between instances (ADR 0026).
 * It fails fast: while Redis is unreachable a command is refused at once (no offline queue) or
 * after `commandTimeout` (a Redis that accepts but does not answer), so a request that needs a
 * limit answers 503 within a second or two instead of hanging; reconnection is attempted every
 * ≤ 1 s in the background, so service comes back by itself when Redis does.
 */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
}

/**
 * Waits at most `ms` for the first connection, so that a starting instance does not refuse its
 * first requests only because the handshake is still in flight (commands are not queued). A Redis
 * that is down does not stop the start: limits then fail closed.
 */
export async function awaitFirstConnection(redis: Redis, ms = 2_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}

/**
 * Limits fail closed: if the shared counter cannot be read or written the request is refused
 * (503 with Retry-After), never let through unthrottled. The cause stays on the error for the log.
 */
export function limitStoreUnavailable(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  return new AppError(
    'service_unavailable',
    'The shared rate-limit store (Redis) is unreachable, so this request cannot be counted; retry shortly.',
    { headers: { 'retry-after': '5' }, cause },
  );
}
