import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger, startLoad } from './load.ts';
import { acceptsConnections, connectRaw } from './raw-http.ts';
import { serverHasRead, signUpOver, startTessera, type TesseraProcess, until } from './support.ts';

/**
 * Scenario 5: SIGTERM under load (ADR 0026). Raw connections catch requests at the exact moment of
 * the signal: one in progress (its body still arriving), one still arriving (half its headers
 * sent), one idle keep-alive connection. Last use is flushed only at shutdown here (the flush
 * interval is a minute), so a restart proves the shutdown flush.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-faults-shutdown-'));
let server: TesseraProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const GRACE_MS = 20_000;

describe('SIGTERM under load', () => {
  it('scenario 5: finishes requests in progress, refuses new connections, answers stragglers with problem+json 503, does not wait for idle keep-alive, flushes last use, exits 0', async () => {
    const env = {
      TESSERA_DATA_DIR: dataDir,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      TOKEN_LAST_USED_FLUSH_MS: '60000',
    };
    server = await startTessera(env);
    const { port, base } = server;
    const users = [await signUpOver(base, 'term-a'), await signUpOver(base, 'term-b')];
    const cookie = users[0]!.cookie;
    const probe = await fetch(`${base}/api/account/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'last-use-probe', scopes: ['profile:read'] }),
    });
    const { token: probeToken, secret: probeSecret } = (await probe.json()) as {
      token: { id: string };
      secret: string;
    };
    expect(
      (await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${probeSecret}` } })).status,
    ).toBe(200);

    const load = startLoad({
      bases: () => [base],
      users,
      clients: 3,
    });
    const { ledger } = load;
    await until('some acknowledged writes before the signal', () => ledger.created.size >= 6, 60_000);

    // An idle keep-alive connection (it answered once and stays open).
    const idle = await connectRaw(port);
    idle.write(`GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    expect((await idle.response()).status).toBe(200);

    // A request in progress: headers and half the body sent.
    const body = JSON.stringify({ name: 'in-flight-at-sigterm', scopes: ['profile:read'] });
    const inFlight = await connectRaw(port);
    inFlight.write(
      `POST /api/account/tokens HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
        `Content-Type: application/json\r\nCookie: ${cookie}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, 10),
    );
    // A request still arriving: half its headers sent.
    const arriving = await connectRaw(port);
    arriving.write(`GET /api/account/tokens HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    await until(
      'the server has read both requests so far',
      () => serverHasRead(port, [inFlight.socket, arriving.socket]),
      5_000,
      20,
    );

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await until('new connections are refused', async () => !(await acceptsConnections(port)), 5_000, 20);
    const idleClosedAt = await Promise.race([
      idle.closed,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
    ]);
    expect(idleClosedAt, 'the idle keep-alive connection was closed by the server').toBeDefined();

    // The straggler gets a problem+json 503 with Retry-After, and the connection closes after it.
    arriving.write(`Cookie: ${cookie}\r\nConnection: keep-alive\r\n\r\n`);
    const refused = await arriving.response();
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'service_unavailable', status: 503 });

    // The request in progress completes (acknowledged), told that the connection closes.
    expect(server.child.exitCode, 'the process waits for the request in progress').toBeNull();
    inFlight.write(body.slice(10));
    const finished = await inFlight.response();
    expect(finished.status).toBe(201);
    expect(finished.headers.connection).toBe('close');
    const createdInFlight = (JSON.parse(finished.body) as { token: { id: string } }).token.id;
    await inFlight.closed;

    expect(await server.exited).toBe(0);
    const shutdownMs = Date.now() - signalledAt;
    expect(shutdownMs).toBeLessThan(GRACE_MS);
    await load.stop();
    expect(server.output()).toContain('"msg":"shut down"');

    // Restart on the same data: everything acknowledged is there, and last use was flushed at shutdown.
    server = await startTessera(env, port);
    const problems = await checkLedger(server.base, ledger);
    expect(problems).toEqual([]);
    const view = await fetch(`${server.base}/api/account/tokens/${probeToken.id}`, { headers: { cookie } });
    expect(((await view.json()) as { last_used_at: string | null }).last_used_at).not.toBeNull();
    const inFlightView = await fetch(`${server.base}/api/account/tokens/${createdInFlight}`, {
      headers: { cookie },
    });
    expect(inFlightView.status).toBe(200);
    // Every answer the load got during shutdown was a success or a problem+json 503 (checked per call).
    expect(Object.keys(ledger.statuses).filter((k) => /:5\d\d$/.test(k) && !k.endsWith(':503'))).toEqual([]);
    console.info(
      `scenario 5: shutdown took ${shutdownMs} ms; load answers ${JSON.stringify(ledger.statuses)}`,
    );
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);
});
