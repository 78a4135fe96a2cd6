import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PrivatePostgres,
  postgresBinariesPresent,
  signUpOver,
  startPrivatePostgres,
  startTessera,
  type TesseraProcess,
  until,
} from './support.ts';

/**
 * ADR 0039 with real processes on one private PostgreSQL: a DELETE on A answers only once B has
 * evicted, so the next request on B is refused, every time; a frozen peer (SIGSTOP) delays a
 * revoke by the bounded wait only, and a killed one not at all once its backend is gone.
 */
const ACK_TIMEOUT_MS = 500;
const METRICS_TOKEN = 'revocation-ack-metrics-token';
let postgres: PrivatePostgres | undefined;
let a: TesseraProcess;
let b: TesseraProcess;
let c: TesseraProcess;

beforeAll(async () => {
  if (!postgresBinariesPresent) return;
  postgres = await startPrivatePostgres();
  const env = {
    DATABASE_URL: postgres.url,
    TESSERA_DATA_DIR: '/nonexistent-data-dir',
    REVOCATION_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
    METRICS_TOKEN: METRICS_TOKEN,
  };
  a = await startTessera(env);
  [b, c] = await Promise.all([startTessera(env), startTessera(env)]);
}, 180_000);
afterAll(async () => {
  for (const server of [a, b, c]) await server?.stop('SIGKILL');
  await postgres?.destroy();
});

async function createPat(cookie: string) {
  const response = await fetch(`${a.base}/api/account/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `t-${Math.random()}`, scopes: ['profile:read'] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { token: { id: string }; secret: string };
}

const me = async (base: string, secret: string) =>
  (await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status;

/** A's `tessera_revocation_propagations_total{result}`. */
async function propagations(result: string): Promise<number> {
  const text = await (
    await fetch(`${a.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`tessera_revocation_propagations_total{result="${result}"}`));
  return Number(line?.split(' ').pop() ?? 0);
}

async function revokeOnA(cookie: string, id: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${a.base}/api/account/tokens/${id}`, {
    method: 'DELETE',
    headers: { cookie },
  });
  expect(response.status).toBe(204);
  return performance.now() - started;
}

describe.skipIf(!postgresBinariesPresent)('revocation receipts across processes', () => {
  it('after the DELETE on A answers, the very next request on B is refused (50 revocations)', async () => {
    const user = await signUpOver(a.base, 'ack');
    const acknowledgedBefore = await propagations('acknowledged');
    let servedAfterRevoke = 0;
    for (let i = 0; i < 50; i++) {
      const { token, secret } = await createPat(user.cookie);
      expect(await me(b.base, secret)).toBe(200);
      expect(await me(b.base, secret)).toBe(200);
      await revokeOnA(user.cookie, token.id);
      if ((await me(b.base, secret)) !== 401) servedAfterRevoke += 1;
    }
    expect(servedAfterRevoke).toBe(0);
    // Each one waited for B's and C's receipts (not for the bound).
    expect((await propagations('acknowledged')) - acknowledgedBefore).toBe(50);
    expect(await propagations('timed_out')).toBe(0);
  });

  it('a frozen peer costs the bounded wait; once killed, revocations are prompt again', async () => {
    const user = await signUpOver(a.base, 'ack-frozen');
    c.child.kill('SIGSTOP');
    try {
      const { token, secret } = await createPat(user.cookie);
      expect(await me(b.base, secret)).toBe(200);
      const elapsed = await revokeOnA(user.cookie, token.id);
      expect(elapsed).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(ACK_TIMEOUT_MS + 2_000);
      expect(await me(b.base, secret)).toBe(401);
      expect(await propagations('timed_out')).toBe(1);
      await until('A logs the silent peer', () =>
        a.output().includes('revocation answered without every instance acknowledging it'),
      );
    } finally {
      c.child.kill('SIGKILL');
      await c.exited;
    }
    // The killed peer's backend goes away with its socket; then nobody is waited for in vain.
    await until('revocations are acknowledged promptly again', async () => {
      const { token } = await createPat(user.cookie);
      return (await revokeOnA(user.cookie, token.id)) < ACK_TIMEOUT_MS;
    });
  });
});
