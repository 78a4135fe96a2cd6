import type { Redis } from 'ioredis';

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
  return {
    async increment(key, windowMs) {
      const name = prefix + key;
      const results = await redis.multi().incr(name).pexpire(name, windowMs, 'NX').pttl(name).exec();
      const count = Number(results?.[0]?.[1] ?? 1);
      const ttl = Number(results?.[2]?.[1] ?? windowMs);
      return { count, resetInMs: ttl > 0 ? ttl : windowMs };
    },
    async decrement(key) {
      await redis.eval(DECREMENT_IF_POSITIVE, 1, prefix + key);
    },
    async peek(key) {
      const name = prefix + key;
      const [count, ttl] = await Promise.all([redis.get(name), redis.pttl(name)]);
      return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
