import { afterEach, describe, expect, it } from 'vitest';
import { openCounters } from '../../src/platform/counter-store.ts';
import { type PrivateRedis, redisBinaryPresent, startPrivateRedis, until } from './support.ts';

/**
 * The outage events behind the "redis unreachable" / "redis connection restored" log lines. A
 * Redis that is back before the client's first reconnect attempt never fails a connect, so the
 * outage must be noticed from the lost connection itself, not only from connection errors.
 */
let redis: PrivateRedis | undefined;
let close: (() => void) | undefined;
afterEach(async () => {
  close?.();
  close = undefined;
  await redis?.stop();
  redis = undefined;
});

async function watch(url: string) {
  const seen = { down: 0, restored: 0 };
  const counters = await openCounters(url, {
    onDown: () => {
      seen.down += 1;
    },
    onRestored: () => {
      seen.restored += 1;
    },
  });
  close = counters.close;
  return { seen, counters };
}

describe.skipIf(!redisBinaryPresent)('Redis outage events', () => {
  it('a Redis that restarts at once still reports one outage and one recovery', async () => {
    redis = await startPrivateRedis();
    const { seen, counters } = await watch(redis.url);
    expect(counters.shared).toBe(true);
    await redis.stop();
    await redis.start();
    await until('the client reconnects', () => seen.restored === 1, 10_000);
    expect(seen.down).toBeGreaterThanOrEqual(1);
    await expect(counters.store.increment('probe', 60_000)).resolves.toMatchObject({ count: 1 });
  }, 30_000);

  it('a Redis that stays down reports the outage, then the recovery', async () => {
    redis = await startPrivateRedis();
    const { seen } = await watch(redis.url);
    await redis.stop();
    await until('the outage is reported', () => seen.down >= 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen.restored).toBe(0);
    await redis.start();
    await until('the client reconnects', () => seen.restored === 1, 10_000);
  }, 30_000);

  it('closing the counters on shutdown is not an outage', async () => {
    redis = await startPrivateRedis();
    const { seen } = await watch(redis.url);
    close?.();
    close = undefined;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual({ down: 0, restored: 0 });
  }, 30_000);
});
