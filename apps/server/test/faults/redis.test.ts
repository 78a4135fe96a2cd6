import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, startLoad } from './load.ts';
import {
  type PrivateRedis,
  redisBinaryPresent,
  signUpOver,
  startPrivateRedis,
  startTessera,
  TEST_PASSWORD,
  type TesseraProcess,
  until,
} from './support.ts';

/**
 * Scenario 4: Redis stops with REDIS_URL set (a private redis-server; the embedded store keeps
 * this scenario about Redis alone). Sign-in fails closed with a problem+json 503 and Retry-After,
 * quickly (no hanging on a dead connection); PAT verification does not use Redis and keeps
 * answering; sign-in comes back by itself when Redis does. ADR 0026.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-faults-redis-'));
let redis: PrivateRedis | undefined;
let server: TesseraProcess | undefined;

beforeAll(async () => {
  if (redisBinaryPresent) redis = await startPrivateRedis();
}, 60_000);
afterAll(async () => {
  await server?.stop('SIGKILL');
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (base: string, email: string) =>
  fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });

describe.skipIf(!redisBinaryPresent)('Redis faults (private redis-server)', () => {
  it('scenario 4: Redis stops: sign-in answers 503 problem+json with Retry-After at once, PATs keep working, sign-in recovers when Redis returns', async () => {
    server = await startTessera({ TESSERA_DATA_DIR: dataDir, REDIS_URL: redis!.url });
    const base = server.base;
    const users = [await signUpOver(base, 'redis-a'), await signUpOver(base, 'redis-b')];
    expect((await signIn(base, users[0]!.email)).status).toBe(200);
    const created = await fetch(`${base}/api/account/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: users[0]!.cookie },
      body: JSON.stringify({ name: 'redis-probe', scopes: ['profile:read'] }),
    });
    const { secret } = (await created.json()) as { secret: string };

    const load = startLoad({
      bases: () => [base],
      users,
      clients: 3,
      pauseMs: 20,
    });
    const { ledger } = load;
    await until('some acknowledged writes before the stop', () => ledger.created.size >= 4, 60_000);

    await redis!.stop();
    const refusals: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < 5; i += 1) {
      const startedAt = Date.now();
      const response = await signIn(base, users[1]!.email);
      refusals.push({ status: response.status, ms: Date.now() - startedAt });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(((await response.json()) as { code: string }).code).toBe('service_unavailable');
      // PAT verification does not touch Redis.
      const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(me.status).toBe(200);
    }
    // Fail fast: a dead Redis does not hold a request (the client does not queue commands).
    expect(Math.max(...refusals.map((r) => r.ms))).toBeLessThan(3_000);
    // Sign-up is limited the same way (its rate limit is in Redis too).
    const signUp = await fetch(`${base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `redis-down-${Date.now()}@example.test`, password: TEST_PASSWORD }),
    });
    expect(signUp.status).toBe(503);

    await redis!.start();
    await until(
      'sign-in works again after Redis returns',
      async () => (await signIn(base, users[1]!.email)).status === 200,
      15_000,
      200,
    );
    await load.stop();
    expect(await checkLedger(base, ledger)).toEqual([]);
    expect(Object.keys(ledger.statuses).filter((k) => /:5\d\d$/.test(k))).toEqual([]);
    const output = server.output();
    expect(output).toContain('redis unreachable');
    expect(output).toContain('redis connection restored');
    // The background error is logged once per window, not once per reconnect attempt.
    expect(
      output.split('\n').filter((line) => line.includes('redis unreachable')).length,
    ).toBeLessThanOrEqual(2);
    // The refused requests' log lines keep the cause.
    const failures = output.split('\n').filter((line) => line.includes('"msg":"request failed"'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) expect(line).toMatch(/"cause":\{[^}]*"message":"[^"]+"/);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);
});
