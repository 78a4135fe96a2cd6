import { describe, expect, it } from 'vitest';
import { buildAppForTest, signUp, uniqueEmail, useTestStore } from '../../test/harness.ts';

/** RATE-2: with Redis, instances share one budget; RATE-3: a spoofed X-Forwarded-For changes nothing. */
const redisUrl = process.env.TEST_REDIS_URL;
const file = useTestStore();

describe('rate limits', () => {
  it('ignores a spoofed X-Forwarded-For from an untrusted peer', async () => {
    const app = await buildAppForTest(file.store, { env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: '2' } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
        payload: { email: uniqueEmail(), password: 'wrong wrong wrong' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it.runIf(Boolean(redisUrl))('shares one budget across two instances through Redis', async () => {
    const env = { REDIS_URL: redisUrl!, RATE_LIMIT_SIGN_IN_PER_MINUTE: '3' };
    const a = await buildAppForTest(file.store, { env });
    const b = await buildAppForTest(file.store, { env });
    const user = await signUp(a);
    // A fresh client address so runs and files do not share a bucket.
    const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { email: user.email, password: user.password },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});
