import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, newLedger, runLoad } from './load.ts';
import {
  type PrivatePostgres,
  type PrivateRedis,
  postgresBinariesPresent,
  redisBinaryPresent,
  signUpOver,
  startPrivatePostgres,
  startPrivateRedis,
  startTessera,
  TEST_PASSWORD,
  type TesseraProcess,
  until,
} from './support.ts';

/**
 * Three instances on one private PostgreSQL and one private Redis, under the bounded load spread
 * over all three: a revocation on A is refused on B and C within a second, the per-address
 * sign-in limit and the per-account password budget count across instances.
 */
const SIGN_IN_PER_MINUTE = 5;
const FAILURES_PER_ACCOUNT = 4;
let postgres: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
const servers: TesseraProcess[] = [];

beforeAll(async () => {
  if (!postgresBinariesPresent || !redisBinaryPresent) return;
  [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    TESSERA_DATA_DIR: '/nonexistent-data-dir',
    // Each scenario speaks from its own client address (X-Forwarded-For), so their budgets are apart.
    TRUST_PROXY: 'true',
    RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_PER_MINUTE),
    RATE_LIMIT_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
  };
  // The first runs the migrations; the other two start together.
  servers.push(await startTessera(env));
  servers.push(...(await Promise.all([startTessera(env), startTessera(env)])));
}, 180_000);
afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  await redis?.stop();
  await postgres?.destroy();
});

let address = 0;
function clientAddress(): string {
  address += 1;
  return `198.51.${100 + Math.floor(address / 250)}.${address % 250}`;
}

const signIn = (base: string, email: string, password: string, from: string) =>
  fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password }),
  });

describe.skipIf(!postgresBinariesPresent || !redisBinaryPresent)(
  'three instances, one PostgreSQL, one Redis',
  () => {
    it('revocation, the sign-in limit and the password budget hold across instances under load', async () => {
      const [a, b, c] = servers as [TesseraProcess, TesseraProcess, TesseraProcess];
      const bases = servers.map((s) => s.base);
      const loadUsers = [await signUpOver(a.base, 'many-a'), await signUpOver(b.base, 'many-b')];
      const ledger = newLedger();
      let endLoad!: () => void;
      const load = runLoad({
        bases: () => bases,
        users: loadUsers,
        clients: 3,
        ledger,
        until: new Promise<void>((resolve) => {
          endLoad = resolve;
        }),
        pauseMs: 20,
      });

      // Revocation: revoke on A, refused on B and C (both had it cached) within a second.
      const owner = await signUpOver(c.base, 'many-revoke');
      const created = await fetch(`${a.base}/api/account/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: owner.cookie },
        body: JSON.stringify({ name: 'shared', scopes: ['profile:read'] }),
      });
      const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
      const me = (base: string) =>
        fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
      for (const base of bases) expect((await me(base)).status).toBe(200);
      const revoked = await fetch(`${a.base}/api/account/tokens/${token.id}`, {
        method: 'DELETE',
        headers: { cookie: owner.cookie },
      });
      expect(revoked.status).toBe(204);
      const revokedAt = Date.now();
      for (const server of [b, c]) {
        // The first answer that is no longer a success, polled every 20 ms for at most 5 s.
        const status = await until(
          `${server.base} stops accepting the revoked token`,
          async () => {
            const answer = (await me(server.base)).status;
            return answer !== 200 && answer;
          },
          Math.max(0, 5_000 - (Date.now() - revokedAt)),
          20,
        );
        expect(status).toBe(401);
      }
      const refusedEverywhereMs = Date.now() - revokedAt;
      expect(refusedEverywhereMs).toBeLessThan(1_000);

      // Sign-in limit per client address, shared: of 3 × limit attempts spread over A, B, C, only `limit` pass.
      const from = clientAddress();
      const limitStatuses: number[] = [];
      for (let i = 0; i < SIGN_IN_PER_MINUTE * 3; i += 1) {
        const response = await signIn(bases[i % 3]!, owner.email, TEST_PASSWORD, from);
        limitStatuses.push(response.status);
      }
      expect(limitStatuses.filter((s) => s === 200)).toHaveLength(SIGN_IN_PER_MINUTE);
      expect(limitStatuses.filter((s) => s === 429)).toHaveLength(SIGN_IN_PER_MINUTE * 2);

      // Password budget per account, shared: wrong passwords on A, B and C (each from a fresh
      // address, so the address limit never applies) exhaust it; then the right one is refused on any.
      const target = await signUpOver(b.base, 'many-lockout');
      const wrong: number[] = [];
      for (let i = 0; i < FAILURES_PER_ACCOUNT + 2; i += 1) {
        wrong.push(
          (await signIn(bases[i % 3]!, target.email, 'not the right password', clientAddress())).status,
        );
      }
      expect(wrong.slice(0, FAILURES_PER_ACCOUNT)).toEqual(Array(FAILURES_PER_ACCOUNT).fill(401));
      expect(wrong.slice(FAILURES_PER_ACCOUNT)).toEqual([429, 429]);
      for (const base of bases) {
        const right = await signIn(base, target.email, TEST_PASSWORD, clientAddress());
        expect(right.status).toBe(429);
        expect(right.headers.get('retry-after')).toBeTruthy();
      }

      endLoad();
      await load;
      for (const base of bases) expect(await checkLedger(base, ledger)).toEqual([]);
      expect(Object.keys(ledger.statuses).filter((k) => /:5\d\d$/.test(k))).toEqual([]);
      console.info(
        `many instances: revocation refused on B and C ${refusedEverywhereMs} ms after the 204; load answers ${JSON.stringify(ledger.statuses)}`,
      );
    }, 180_000);
  },
);
