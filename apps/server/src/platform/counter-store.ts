import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { awaitFirstConnection, createRedisClient, limitStoreUnavailable } from './redis.ts';

/**
 * Fixed-window counters, in memory or shared through Redis so that several instances count
 * together. Each operation is atomic (one Redis command or script), so a caller can reserve a
 * unit of a budget with `increment` and give it back with `decrement` without a read-then-write
 * race between instances.
 */
export interface CounterStore {
  /** Adds one and returns the count in the current window and the ms until the window ends. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Takes one back within the current window; never below zero, never starts a window. */
  decrement(key: string): Promise<void>;
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  reset(key: string): Promise<void>;
}

// DECR on a missing key would create it at -1 without an expiry: only take back what exists.
const DECREMENT_IF_POSITIVE = `
local count = tonumber(redis.call('get', KEYS[1]) or '0')
if count > 0 then return redis.call('decr', KEYS[1]) end
return 0
`;

export function createMemoryCounterStore(now: () => number = Date.now): CounterStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (key: string) => {
    const entry = windows.get(key);
    if (entry && entry.resetAt > now()) return entry;
    windows.delete(key);
    return undefined;
  };
  return {
    async increment(key, windowMs) {
      let entry = current(key);
      if (!entry) {
        entry = { count: 0, resetAt: now() + windowMs };
        windows.set(key, entry);
        if (windows.size > 100_000) windows.delete(windows.keys().next().value as string);
      }
      entry.count += 1;
      return { count: entry.count, resetInMs: entry.resetAt - now() };
    },
    async decrement(key) {
      const entry = current(key);
      if (entry && entry.count > 0) entry.count -= 1;
    },
    async peek(key) {
      const entry = current(key);
      return entry ? { count: entry.count, resetInMs: entry.resetAt - now() } : { count: 0, resetInMs: 0 };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

export function createRedisCounterStore(redis: Redis, prefix = 'tessera:counter:'): CounterStore {
  // Every failure (Redis stopped, unreachable, not answering) is a 503: limits fail closed.
  const failClosed = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw limitStoreUnavailable(error);
    }
  };
  return {
    increment: (key, windowMs) =>
      failClosed(async () => {
        const name = prefix + key;
        const results = await redis.multi().incr(name).pexpire(name, windowMs, 'NX').pttl(name).exec();
        const failed = results?.find(([error]) => error)?.[0];
        if (failed) throw failed;
        const count = Number(results?.[0]?.[1] ?? 1);
        const ttl = Number(results?.[2]?.[1] ?? windowMs);
        return { count, resetInMs: ttl > 0 ? ttl : windowMs };
      }),
    decrement: (key) =>
      failClosed(async () => {
        await redis.eval(DECREMENT_IF_POSITIVE, 1, prefix + key);
      }),
    peek: (key) =>
      failClosed(async () => {
        const name = prefix + key;
        const [count, ttl] = await Promise.all([redis.get(name), redis.pttl(name)]);
        return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
      }),
    reset: (key) =>
      failClosed(async () => {
        await redis.del(prefix + key);
      }),
  };
}

type RateLimitCallback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * A store for @fastify/rate-limit on top of a CounterStore (same fixed windows and Redis keys
 * for every limit), so that a Redis failure reaches the error handler as the limit store's
 * 503 rather than as a raw client error (which would be a 500). Keys per route as the plugin's
 * own Redis store makes them.
 */
export function counterRateLimitStore(counters: CounterStore, prefix = 'rate:'): FastifyRateLimitStoreCtor {
  return class CounterRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly keyPrefix = prefix,
    ) {}

    incr(key: string, callback: RateLimitCallback, timeWindow: number) {
      counters.increment(this.keyPrefix + key, timeWindow).then(
        (result) => callback(null, { current: result.count, ttl: result.resetInMs }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: RateLimitCallback) {
      counters.peek(this.keyPrefix + key).then(
        (result) => callback(null, { current: result.count, ttl: result.resetInMs }),
        (error: Error) => callback(error),
      );
    }

    child(options: Parameters<FastifyRateLimitStore['child']>[0]) {
      // At run time the plugin passes its merged limit options, with the route under `routeInfo`.
      const route = (options as unknown as { routeInfo: { method?: string; url?: string } }).routeInfo;
      return new CounterRateLimitStore(options, `${this.keyPrefix}${route.method}${route.url}-`);
    }
  };
}

export interface Counters {
  store: CounterStore;
  /** Whether the store is shared with other instances (Redis) rather than this process's memory. */
  shared: boolean;
  close(): void;
}

/**
 * The counters of every limit and budget: in Redis when `redisUrl` is set (a start waits briefly
 * for the first connection; `onDown` hears every lost connection and connection error,
 * `onRestored` the reconnection after one), else in memory.
 */
export async function openCounters(
  redisUrl: string | undefined,
  events: { onDown: (error: unknown) => void; onRestored: () => void },
): Promise<Counters> {
  if (!redisUrl) return { store: createMemoryCounterStore(), shared: false, close: () => {} };
  const redis = createRedisClient(redisUrl);
  await awaitFirstConnection(redis);
  let down = false;
  let closing = false;
  const lost = (error: unknown) => {
    down = true;
    events.onDown(error);
  };
  redis.on('error', lost);
  // A lost connection is an outage even when no error follows: a Redis that restarts inside the
  // first reconnect delay never fails a connect, yet every command meanwhile was refused.
  redis.on('close', () => {
    if (!closing && !down) lost(new Error('connection to Redis closed'));
  });
  redis.on('ready', () => {
    if (down) events.onRestored();
    down = false;
  });
  return {
    store: createRedisCounterStore(redis),
    shared: true,
    close: () => {
      closing = true;
      redis.disconnect();
    },
  };
}
