import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, newLedger, runLoad } from './load.ts';
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
 * Scenario 2 (PostgreSQL stops for 10 s under load) and scenario 3 (the LISTEN connection is
 * killed while another instance revokes), on a private PostgreSQL cluster (ADR 0019).
 */
const METRICS_TOKEN = 'fault-tests-metrics-token';
let postgres: PrivatePostgres;
const servers: TesseraProcess[] = [];

beforeAll(async () => {
  if (postgresBinariesPresent) postgres = await startPrivatePostgres();
}, 120_000);
afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  await postgres?.destroy();
});

async function tessera(): Promise<TesseraProcess> {
  const server = await startTessera({
    DATABASE_URL: postgres.url,
    TESSERA_DATA_DIR: '/nonexistent-data-dir',
    METRICS_TOKEN,
    TOKEN_LAST_USED_FLUSH_MS: '1000',
  });
  servers.push(server);
  return server;
}

async function createPat(base: string, cookie: string) {
  const response = await fetch(`${base}/api/account/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: `fault-${Math.random()}`, scopes: ['profile:read'] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { token: { id: string }; secret: string };
}

const me = (base: string, secret: string) =>
  fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });

async function metric(base: string, series: string): Promise<number> {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe.skipIf(!postgresBinariesPresent)('PostgreSQL faults (private cluster)', () => {
  it('scenario 2: PostgreSQL stops for 10 s under load: 503 + Retry-After (never 500, never allow), not ready, recovers by itself', async () => {
    const server = await tessera();
    const users = [await signUpOver(server.base, 'pgstop-a'), await signUpOver(server.base, 'pgstop-b')];
    const { token, secret } = await createPat(server.base, users[0]!.cookie);
    expect((await me(server.base, secret)).status).toBe(200); // now cached

    const ledger = newLedger();
    let endLoad!: () => void;
    const loadDone = new Promise<void>((resolve) => {
      endLoad = resolve;
    });
    const load = runLoad({
      bases: () => [server.base],
      users,
      clients: 3,
      ledger,
      until: loadDone,
      pauseMs: 20,
    });
    await until('some acknowledged writes before the stop', () => ledger.created.size >= 6, 60_000);

    await postgres.stop();
    const stoppedAt = Date.now();
    await until(
      '/api/health/ready reports not ready',
      async () => (await fetch(`${server.base}/api/health/ready`)).status === 503,
      10_000,
    ).catch((error) => {
      throw new Error(`${error}\n${server.output().slice(-3000)}`);
    });
    const ready = await fetch(`${server.base}/api/health/ready`);
    expect(ready.headers.get('content-type')).toContain('application/problem+json');
    expect(ready.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${server.base}/api/health/live`)).status).toBe(200);

    // For the rest of the 10 s: the cached token is not served from memory; every answer is 503 with Retry-After.
    const outage: string[] = [];
    while (Date.now() - stoppedAt < 10_000) {
      const response = await me(server.base, secret);
      outage.push(`${response.status}${response.headers.get('retry-after') ? '+retry-after' : ''}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(new Set(outage)).toEqual(new Set(['503+retry-after']));

    await postgres.start();
    await until(
      'ready again after PostgreSQL returns',
      async () => (await fetch(`${server.base}/api/health/ready`)).status === 200,
      30_000,
    );
    expect((await me(server.base, secret)).status).toBe(200);
    // Last use recorded before and after the outage reaches the store (buffered writes retried).
    await until(
      'last use written after recovery',
      async () => {
        const view = await fetch(`${server.base}/api/account/tokens/${token.id}`, {
          headers: { cookie: users[0]!.cookie },
        });
        return ((await view.json()) as { last_used_at: string | null }).last_used_at !== null;
      },
      15_000,
      200,
    );
    endLoad();
    await load;
    expect(await checkLedger(server.base, ledger)).toEqual([]);
    expect(Object.keys(ledger.statuses).filter((k) => /:5\d\d$/.test(k) && !k.endsWith(':503'))).toEqual([]);
    expect(
      await metric(server.base, 'tessera_revocation_feed_events_total{event="reconnect"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(server.output()).toContain('revocation feed lost');
    await server.stop();
  }, 180_000);

  it('scenario 3: the LISTEN connection is killed while another instance revokes: refused once reconnected, gap logged and counted', async () => {
    const [a, b] = [await tessera(), await tessera()];
    const user = await signUpOver(a.base, 'listen');
    const { token, secret } = await createPat(a.base, user.cookie);
    expect((await me(b.base, secret)).status).toBe(200); // cached on B
    const reconnectsBefore = await metric(b.base, 'tessera_revocation_feed_events_total{event="reconnect"}');

    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'tessera-listener%'`,
      );
      const revoked = await fetch(`${a.base}/api/account/tokens/${token.id}`, {
        method: 'DELETE',
        headers: { cookie: user.cookie },
      });
      expect(revoked.status).toBe(204);
    } finally {
      await admin.end();
    }
    // B never heard the NOTIFY; it must still refuse the token (cache bypassed while down, flushed on reconnect).
    await until('B refuses the revoked token', async () => (await me(b.base, secret)).status === 401, 10_000);
    await until(
      'B counted the reconnect',
      async () =>
        (await metric(b.base, 'tessera_revocation_feed_events_total{event="reconnect"}')) > reconnectsBefore,
      10_000,
    );
    for (let i = 0; i < 5; i += 1) expect((await me(b.base, secret)).status).toBe(401);
    await until('B logged the gap', () => b.output().includes('revocation feed restored after a gap'), 5_000);
    expect(await metric(b.base, 'tessera_revocation_feed_connected')).toBe(1);
  }, 120_000);
});
