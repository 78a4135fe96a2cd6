import { beforeAll, describe, expect, it, vi } from 'vitest';
import { rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { bearer, signUp, type TestUser, useSecondApp, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

// Issue #16 item 3 (ADR 0031): a PAT's network allow-list, and attempts to get around it.
const ctx = useTestApp();
// A second instance on the same store behind a trusted proxy.
const behindProxy = useSecondApp(ctx, { env: { TRUST_PROXY: 'true' } });
let app: App;
let proxied: App;
beforeAll(() => {
  app = ctx.app;
  proxied = behindProxy.app;
});

const as = (user: TestUser) => ({ cookie: user.cookie });

/** POST /api/account/tokens as is (the tests read refusals too); `extra` adds to or overrides the body. */
async function createPat(
  user: TestUser,
  allowed_cidrs: string[] | null | undefined,
  extra: Record<string, unknown> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: as(user),
    payload: {
      name: `pat ${Math.random()}`,
      scopes: ['agents:read'],
      expires_in_days: 7,
      allowed_cidrs,
      ...extra,
    },
  });
}

const fromAddress = (
  target: App,
  secret: string,
  remoteAddress: string,
  headers: Record<string, string> = {},
) => target.inject({ url: '/api/tokens/self', headers: { ...bearer(secret), ...headers }, remoteAddress });

describe('a PAT with a network allow-list', () => {
  it('works inside its networks and answers 403 network_not_allowed (problem+json) elsewhere, audited', async () => {
    const user = await signUp(app);
    const created = await createPat(user, ['203.0.113.0/24', '2001:db8:aa::/48']);
    expect(created.statusCode).toBe(201);
    expect(created.json().token.allowed_cidrs).toEqual(['203.0.113.0/24', '2001:db8:aa::/48']);
    const { secret } = created.json();
    expect((await fromAddress(app, secret, '203.0.113.9')).statusCode).toBe(200);
    expect((await fromAddress(app, secret, '::ffff:203.0.113.10')).statusCode).toBe(200);
    expect((await fromAddress(app, secret, '2001:db8:aa:1::5')).statusCode).toBe(200);
    const refused = await fromAddress(app, secret, '198.51.100.7');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 403, code: 'network_not_allowed' });
    expect(refused.body).not.toContain(secret);
    expect((await fromAddress(app, secret, '2001:db8:ab::1')).statusCode).toBe(403);

    // The refusal is in the owner's audit log (written in the background: wait for it).
    let events: Array<{ action: string; outcome: string; metadata: { ip?: string } }> = [];
    await vi.waitFor(async () => {
      const log = await app.inject({ url: '/api/account/audit-log', headers: as(user) });
      events = log.json().events.filter((e: { action: string }) => e.action === 'token.network_refused');
      expect(events).toHaveLength(2);
    });
    expect(events.map((e) => e.metadata.ip).sort()).toEqual(['198.51.100.7', '2001:db8:ab::1']);
    expect(events.every((e) => e.outcome === 'failure')).toBe(true);
  });

  it('is not fooled by a forged X-Forwarded-For while TRUST_PROXY is off', async () => {
    const user = await signUp(app);
    const { secret } = (await createPat(user, ['203.0.113.0/24'])).json();
    for (const forged of ['203.0.113.9', '203.0.113.9, 198.51.100.7', '198.51.100.7, 203.0.113.9']) {
      const response = await fromAddress(app, secret, '198.51.100.7', {
        'x-forwarded-for': forged,
        'x-real-ip': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
      });
      expect(response.statusCode, forged).toBe(403);
    }
  });

  it('judges the forwarded client address when TRUST_PROXY is on', async () => {
    const user = await signUp(app);
    const { secret } = (await createPat(user, ['203.0.113.0/24'])).json();
    expect(
      (await fromAddress(proxied, secret, '10.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode,
    ).toBe(200);
    expect(
      (await fromAddress(proxied, secret, '10.0.0.1', { 'x-forwarded-for': '198.51.100.7' })).statusCode,
    ).toBe(403);
  });

  it('binds a changed list at once and lifts it with null', async () => {
    const user = await signUp(app);
    const created = (await createPat(user, ['203.0.113.0/24'])).json();
    expect((await fromAddress(app, created.secret, '203.0.113.9')).statusCode).toBe(200);
    const patch = (allowed_cidrs: string[] | null) =>
      app.inject({
        method: 'PATCH',
        url: `/api/account/tokens/${created.token.id}`,
        headers: as(user),
        payload: { allowed_cidrs },
      });
    expect((await patch(['198.51.100.0/24'])).json().allowed_cidrs).toEqual(['198.51.100.0/24']);
    expect((await fromAddress(app, created.secret, '203.0.113.9')).statusCode).toBe(403);
    expect((await patch(null)).statusCode).toBe(200);
    expect((await fromAddress(app, created.secret, '203.0.113.9')).statusCode).toBe(200);
  });

  it('refuses entries that are not CIDRs, naming each, and writes CIDRs in canonical form', async () => {
    const user = await signUp(app);
    const bad = await createPat(user, ['203.0.113.0/24', '10.0.0.1', 'example.com/8']);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.allowed_cidrs.1',
      'body.allowed_cidrs.2',
    ]);
    const loose = await createPat(user, ['10.1.2.3/8', '2001:DB8:0::1/32']);
    expect(loose.json().token.allowed_cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const none = await createPat(user, undefined);
    expect(none.json().token.allowed_cidrs).toBeNull();
  });
});

describe('a PAT with a network allow-list, rotated', () => {
  it('keeps the allow-list on both secrets during the overlap and after a self-rotation', async () => {
    const user = await signUp(app);
    const created = await createPat(user, ['203.0.113.0/24'], { name: 'rotated', allow_self_rotation: true });
    expect(created.statusCode, created.body).toBe(201);
    const { token, secret: oldSecret } = created.json();
    const rotated = await rotatePat(app, user, token.id, { overlap: 'until_first_use' });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().token.allowed_cidrs).toEqual(['203.0.113.0/24']);
    const newSecret = rotated.json().secret;
    // The old secret in its overlap, then the new one: refused outside (without ending the overlap).
    expect((await fromAddress(app, oldSecret, '198.51.100.7')).json().code).toBe('network_not_allowed');
    expect((await fromAddress(app, oldSecret, '203.0.113.9')).statusCode).toBe(200);
    expect((await fromAddress(app, newSecret, '198.51.100.7')).json().code).toBe('network_not_allowed');
    expect((await fromAddress(app, oldSecret, '203.0.113.9')).statusCode).toBe(200);
    expect((await fromAddress(app, newSecret, '203.0.113.9')).statusCode).toBe(200);

    const self = await app.inject({
      method: 'POST',
      url: '/api/tokens/self/rotate',
      headers: bearer(newSecret),
      remoteAddress: '203.0.113.9',
      payload: {},
    });
    expect(self.statusCode, self.body).toBe(200);
    expect(self.json().token.allowed_cidrs).toEqual(['203.0.113.0/24']);
    const selfSecret = self.json().secret;
    expect((await fromAddress(app, selfSecret, '198.51.100.7')).json().code).toBe('network_not_allowed');
    expect((await fromAddress(app, newSecret, '198.51.100.7')).json().code).toBe('network_not_allowed');
    expect((await fromAddress(app, selfSecret, '203.0.113.9')).statusCode).toBe(200);
  });
});

describe('networks a PAT was used from', () => {
  const networksOf = async (user: TestUser, id: string) =>
    (await app.inject({ url: `/api/account/tokens/${id}/networks`, headers: as(user) })).json()
      .networks as Array<{
      network: string;
      uses: number;
      last_ip: string;
    }>;

  /** Uses the PAT from each address in turn, flushes, and expects the 10 newest networks kept. */
  async function expectLastTenKept(
    user: TestUser,
    pat: { secret: string; token: { id: string } },
    addresses: string[],
    dropped: string,
  ) {
    for (const address of addresses) await fromAddress(app, pat.secret, address);
    await app.credentials.activity.flush();
    const kept = await networksOf(user, pat.token.id);
    expect(kept).toHaveLength(10);
    expect(kept.map((n) => n.network)).not.toContain(dropped);
  }

  it('keeps the /24 or /64 of successful uses, batched, announces a new one, and keeps the last 10', async () => {
    const user = await signUp(app);
    const created = (await createPat(user, undefined)).json();
    const { secret } = created;
    await fromAddress(app, secret, '203.0.113.9');
    await fromAddress(app, secret, '203.0.113.200');
    // Nothing is written per request: before the flush there is nothing to show.
    expect(await networksOf(user, created.token.id)).toEqual([]);
    await app.credentials.activity.flush();
    expect(await networksOf(user, created.token.id)).toMatchObject([
      { network: '203.0.113.0/24', uses: 2, last_ip: '203.0.113.200' },
    ]);
    const newNetworkEvents = async () =>
      (await app.inject({ url: '/api/account/audit-log', headers: as(user) }))
        .json()
        .events.filter((e: { action: string }) => e.action === 'token.new_network');
    // The first network is the token's first use, not news.
    expect(await newNetworkEvents()).toEqual([]);

    await fromAddress(app, secret, '2001:db8:1:2::77');
    await app.credentials.activity.flush();
    const events = await newNetworkEvents();
    expect(events).toHaveLength(1);
    expect(events[0].metadata).toMatchObject({ network: '2001:db8:1:2::/64', ip: '2001:db8:1:2::77' });
    // Refused requests are not uses.
    const restricted = (await createPat(user, ['203.0.113.0/24'])).json();
    await fromAddress(app, restricted.secret, '198.51.100.1');
    await app.credentials.activity.flush();
    expect(await networksOf(user, restricted.token.id)).toEqual([]);

    const addresses = Array.from({ length: 11 }, (_, i) => `198.51.${i + 1}.1`);
    await expectLastTenKept(user, created, addresses, '203.0.113.0/24');
  });

  it('keeps the last 10 of a new token that came from more networks than that before its first flush', async () => {
    const user = await signUp(app);
    const created = (await createPat(user, undefined)).json();
    const addresses = Array.from({ length: 12 }, (_, i) => `192.0.${i + 1}.1`);
    await expectLastTenKept(user, created, addresses, '192.0.1.0/24');
  });

  it('offers them as an allow-list: restricting to them keeps the token working there only', async () => {
    const user = await signUp(app);
    const created = (await createPat(user, undefined)).json();
    await fromAddress(app, created.secret, '203.0.113.9');
    await fromAddress(app, created.secret, '2001:db8:5::1');
    await app.credentials.activity.flush();
    const networks = (await networksOf(user, created.token.id)).map((n) => n.network);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${created.token.id}`,
      headers: as(user),
      payload: { allowed_cidrs: networks },
    });
    expect(patched.statusCode).toBe(200);
    expect((await fromAddress(app, created.secret, '203.0.113.50')).statusCode).toBe(200);
    expect((await fromAddress(app, created.secret, '2001:db8:5::abcd')).statusCode).toBe(200);
    expect((await fromAddress(app, created.secret, '198.51.100.1')).statusCode).toBe(403);
  });
});
