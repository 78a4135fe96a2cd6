import { describe, expect, it } from 'vitest';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  testClock,
  useSecondApp,
  useTestApp,
} from '../../../test/harness.ts';
import {
  auditActions,
  CLIENT_ID,
  decideDevice,
  lookUpDevice,
  pollDevice,
  startDeviceAuthorization,
} from '../../../test/oauth-flows.ts';

const USER_CODE_SHOWN = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const clock = testClock();

const ctx = useTestApp({ clock, env: { RATE_LIMIT_USER_CODE_FAILURES_PER_IP: '100000' } });

const oauthError = (response: { statusCode: number; json(): unknown; headers: Record<string, unknown> }) => {
  expect(response.statusCode).toBe(400);
  expect(response.headers['cache-control']).toBe('no-store');
  return (response.json() as { error: string }).error;
};

/** A signed-in user and a device authorization waiting for someone's decision. */
async function userWithPendingDevice(target = ctx.app) {
  const user = await signUp(target);
  const device = await startDeviceAuthorization(target);
  return { user, device };
}

/** Nothing was decided: polling still answers authorization_pending. */
const expectStillPending = async (device: { device_code: string }, target = ctx.app) =>
  expect(oauthError(await pollDevice(target, device.device_code))).toBe('authorization_pending');

/** POST /api/oauth/device/decision with any headers and body (`decideDevice` sends a valid one). */
const postDecision = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/oauth/device/decision', headers, payload });

describe('POST /api/oauth/device_authorization', () => {
  it('answers every RFC 8628 §3.2 field, with no-store', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/device_authorization',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `client_id=${CLIENT_ID}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual([
      'device_code',
      'expires_in',
      'interval',
      'user_code',
      'verification_uri',
      'verification_uri_complete',
    ]);
    expect(body.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user_code).toMatch(USER_CODE_SHOWN);
    expect(body.verification_uri).toBe('http://localhost:3000/device');
    expect(body.verification_uri_complete).toBe(`http://localhost:3000/device?user_code=${body.user_code}`);
    expect(body.expires_in).toBe(600);
    expect(body.interval).toBe(5);
  });

  it('accepts JSON as well, and stores the device code only as a hash', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/device_authorization',
      payload: { client_id: CLIENT_ID, scope: 'agents:read' },
    });
    expect(response.statusCode).toBe(200);
    const { device_code: deviceCode } = response.json();
    const rows = await ctx.store.db.selectFrom('oauth_device_authorizations').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(deviceCode);
  });

  it('gives every authorization its own codes', async () => {
    const a = await startDeviceAuthorization(ctx.app);
    const b = await startDeviceAuthorization(ctx.app);
    expect(a.device_code).not.toBe(b.device_code);
    expect(a.user_code).not.toBe(b.user_code);
  });

  it.each([
    ['no client_id', {}, 400, 'invalid_request'],
    ['an unknown client', { client_id: 'evil-app' }, 401, 'invalid_client'],
    ['an unknown scope', { client_id: CLIENT_ID, scope: 'agents:read admin' }, 400, 'invalid_scope'],
  ])('answers %s with an RFC 6749 error', async (_label, payload, status, error) => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/device_authorization',
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ error, error_description: expect.any(String) });
  });
});

describe('polling the token endpoint (OAUTH-5)', () => {
  it('answers authorization_pending, then slow_down for fast polls, raising the interval by 5 s each time', async () => {
    const device = await startDeviceAuthorization(ctx.app);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('authorization_pending');
    // At once again: too fast.
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('slow_down');
    // The interval is now 10 s: 5 s later is still too fast, and raises it to 15 s.
    clock.advance(5_000);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('slow_down');
    clock.advance(14_000);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('slow_down');
    // A client that now keeps the raised interval (20 s) is answered normally.
    clock.advance(20_000);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('authorization_pending');
    clock.advance(20_000);
    await expectStillPending(device);
  });

  it('a device that keeps the 5 s interval is never told to slow down', async () => {
    const device = await startDeviceAuthorization(ctx.app);
    for (let i = 0; i < 4; i += 1) {
      expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('authorization_pending');
      clock.advance(5_000);
    }
  });

  it('issues a token pair once the user approves, then never again (single use)', async () => {
    const { user, device } = await userWithPendingDevice();
    expect((await decideDevice(ctx.app, user, device.user_code, true)).statusCode).toBe(204);
    const response = await pollDevice(ctx.app, device.device_code);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const tokens = response.json();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const me = await ctx.app.inject({ url: '/api/me', headers: bearer(tokens.access_token) });
    expect(me.json().user.id).toBe(user.id);

    clock.advance(5_000);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('invalid_grant');
    const actions = await auditActions(ctx.app, user);
    expect(actions).toContain('oauth.device_approved');
    expect(actions).toContain('oauth.device_code_exchanged');
  });

  it('lets only one of two concurrent polls of an approved code through', async () => {
    const { user, device } = await userWithPendingDevice();
    await decideDevice(ctx.app, user, device.user_code, true);
    const answers = await Promise.all([
      pollDevice(ctx.app, device.device_code),
      pollDevice(ctx.app, device.device_code),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 400]);
  });

  it('answers access_denied after the user denies', async () => {
    const { user, device } = await userWithPendingDevice();
    expect((await decideDevice(ctx.app, user, device.user_code, false)).statusCode).toBe(204);
    expect(oauthError(await pollDevice(ctx.app, device.device_code))).toBe('access_denied');
    expect(await auditActions(ctx.app, user)).toContain('oauth.device_denied');
  });

  it('answers expired_token after expires_in, even if approval came in time', async () => {
    const user = await signUp(ctx.app);
    const approved = await startDeviceAuthorization(ctx.app);
    const pending = await startDeviceAuthorization(ctx.app);
    await decideDevice(ctx.app, user, approved.user_code, true);
    clock.advance(600_000);
    expect(oauthError(await pollDevice(ctx.app, approved.device_code))).toBe('expired_token');
    expect(oauthError(await pollDevice(ctx.app, pending.device_code))).toBe('expired_token');
  });

  it('answers invalid_grant for an unknown device code and invalid_request for none', async () => {
    expect(oauthError(await pollDevice(ctx.app, 'not-a-device-code'))).toBe('invalid_grant');
    const none = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT_ID },
    });
    expect(oauthError(none)).toBe('invalid_request');
  });

  it('a device code or user code is never a bearer credential (AUTHN-9)', async () => {
    const device = await startDeviceAuthorization(ctx.app);
    for (const secret of [device.device_code, device.user_code]) {
      const me = await ctx.app.inject({ url: '/api/me', headers: bearer(secret) });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('invalid_token');
    }
  });
});

describe('the device page endpoints (OAUTH-6)', () => {
  it('look up a pending code and show the client and scopes', async () => {
    const user = await signUp(ctx.app);
    const device = await startDeviceAuthorization(ctx.app, {
      client_id: CLIENT_ID,
      scope: 'agents:read repos:read',
    });
    const response = await lookUpDevice(ctx.app, user, device.user_code);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      client: { id: CLIENT_ID, name: 'Tessera CLI' },
      scopes: ['agents:read', 'repos:read'],
      user_code: device.user_code,
    });
  });

  it.each([
    ['lower case', (code: string) => code.toLowerCase()],
    ['without the dash', (code: string) => code.replace('-', '')],
    ['with spaces', (code: string) => ` ${code.slice(0, 4)} ${code.slice(5)} `],
  ])('accept the user code typed in %s, for lookup and decision', async (_label, typed) => {
    const { user, device } = await userWithPendingDevice();
    const lookup = await lookUpDevice(ctx.app, user, typed(device.user_code));
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().user_code).toBe(device.user_code);
    expect((await decideDevice(ctx.app, user, typed(device.user_code), true)).statusCode).toBe(204);
    expect((await pollDevice(ctx.app, device.device_code)).statusCode).toBe(200);
  });

  it('answer 404 for a wrong, decided or expired code', async () => {
    const user = await signUp(ctx.app);
    expect((await lookUpDevice(ctx.app, user, 'BBBB-BBBB')).statusCode).toBe(404);
    expect((await lookUpDevice(ctx.app, user, 'not a code')).statusCode).toBe(404);
    expect((await decideDevice(ctx.app, user, 'BBBB-BBBB', true)).statusCode).toBe(404);

    const decided = await startDeviceAuthorization(ctx.app);
    await decideDevice(ctx.app, user, decided.user_code, false);
    expect((await lookUpDevice(ctx.app, user, decided.user_code)).statusCode).toBe(404);
    // A second decision cannot turn a denial into an approval.
    expect((await decideDevice(ctx.app, user, decided.user_code, true)).statusCode).toBe(404);
    expect(oauthError(await pollDevice(ctx.app, decided.device_code))).toBe('access_denied');

    const expired = await startDeviceAuthorization(ctx.app);
    clock.advance(600_000);
    expect((await lookUpDevice(ctx.app, user, expired.user_code)).statusCode).toBe(404);
    expect((await decideDevice(ctx.app, user, expired.user_code, true)).statusCode).toBe(404);
  });

  it('need a signed-in user', async () => {
    const device = await startDeviceAuthorization(ctx.app);
    for (const [url, payload] of [
      ['/api/oauth/device/lookup', { user_code: device.user_code }],
      ['/api/oauth/device/decision', { user_code: device.user_code, approve: true }],
    ] as const) {
      const response = await ctx.app.inject({ method: 'POST', url, payload });
      expect(response.statusCode).toBe(401);
    }
    await expectStillPending(device);
  });

  it('refuse an access token: only the person in the browser may approve a device', async () => {
    const { user, device } = await userWithPendingDevice();
    const { access_token: accessToken } = await accessTokenFor(ctx.app, user);
    for (const [url, payload] of [
      ['/api/oauth/device/lookup', { user_code: device.user_code }],
      ['/api/oauth/device/decision', { user_code: device.user_code, approve: true }],
    ] as const) {
      const response = await ctx.app.inject({ method: 'POST', url, headers: bearer(accessToken), payload });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
    await expectStillPending(device);
  });

  it('refuse a cross-site approval (CSRF)', async () => {
    const { user, device } = await userWithPendingDevice();
    const response = await postDecision(
      { cookie: user.cookie, origin: 'https://evil.example' },
      { user_code: device.user_code, approve: true },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('csrf_rejected');
    await expectStillPending(device);
  });

  it('refuse a decision body with extra members or without approve', async () => {
    const { user, device } = await userWithPendingDevice();
    for (const payload of [
      { user_code: device.user_code, approve: true, user_id: 'usr_other' },
      { user_code: device.user_code },
    ]) {
      const response = await postDecision({ cookie: user.cookie }, payload);
      expect(response.statusCode).toBe(400);
    }
  });
});

describe('user code entry rate limit (RFC 8628 §5.1)', () => {
  const strict = useSecondApp(ctx, { clock, env: { RATE_LIMIT_USER_CODE_FAILURES_PER_IP: '3' } });

  it('answers 429 with Retry-After after N wrong codes from one IP, for lookup and decision alike', async () => {
    const limited = strict.app;
    const { user, device } = await userWithPendingDevice(limited);
    const ip = '203.0.113.7';
    for (let i = 0; i < 3; i += 1) {
      expect((await lookUpDevice(limited, user, 'BBBB-BBBB', ip)).statusCode).toBe(404);
    }
    // Now even the right code is refused: the answer must not tell a guesser anything.
    const lookup = await lookUpDevice(limited, user, device.user_code, ip);
    expect(lookup.statusCode).toBe(429);
    expect(lookup.json().code).toBe('rate_limited');
    expect(Number(lookup.headers['retry-after'])).toBeGreaterThan(0);
    expect(lookup.headers['x-ratelimit-limit']).toBe('3');
    const decision = await decideDevice(limited, user, device.user_code, true, ip);
    expect(decision.statusCode).toBe(429);
    await expectStillPending(device, limited);

    // Another address is not affected.
    expect((await lookUpDevice(limited, user, device.user_code, '203.0.113.8')).statusCode).toBe(200);
  });

  it('counts wrong decisions too, and never the right codes', async () => {
    const limited = strict.app;
    const { user, device } = await userWithPendingDevice(limited);
    const ip = '198.51.100.20';
    for (let i = 0; i < 10; i += 1) {
      expect((await lookUpDevice(limited, user, device.user_code, ip)).statusCode).toBe(200);
    }
    for (let i = 0; i < 3; i += 1) {
      expect((await decideDevice(limited, user, 'CCCC-CCCC', true, ip)).statusCode).toBe(404);
    }
    expect((await lookUpDevice(limited, user, device.user_code, ip)).statusCode).toBe(429);
  });
});

describe('user code entry rate limit across instances (RATE-2)', () => {
  const redisUrl = process.env.TEST_REDIS_URL;

  it.runIf(Boolean(redisUrl))('shares one failure budget between two instances through Redis', async () => {
    const env = { REDIS_URL: redisUrl!, RATE_LIMIT_USER_CODE_FAILURES_PER_IP: '2' };
    const a = await buildAppForTest(ctx.store, { clock, env });
    const b = await buildAppForTest(ctx.store, { clock, env });
    const user = await signUp(a);
    const device = await startDeviceAuthorization(a);
    // A fresh address per run: the Redis counter outlives the test.
    const ip = `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
    expect((await lookUpDevice(a, user, 'BBBB-BBBB', ip)).statusCode).toBe(404);
    expect((await lookUpDevice(b, user, 'BBBB-BBBB', ip)).statusCode).toBe(404);
    expect((await lookUpDevice(a, user, device.user_code, ip)).statusCode).toBe(429);
    expect((await lookUpDevice(b, user, device.user_code, ip)).statusCode).toBe(429);
  });
});
