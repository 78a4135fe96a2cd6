import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { revokePat } from '../../../test/fixtures/pat-actions.ts';
import { accessTokenFor, buildAppForTest, signUp, testClock, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

// Issue #16 item 6 (ADR 0032): RFC 7662 introspection for registered resource servers.
const SECRET = 'resource-server-secret-0123456789';
const clock = testClock();

const ctx = useTestApp({
  clock,
  env: {
    INTROSPECTION_CLIENTS: `billing:${hash('sha256', SECRET)},search:${hash('sha256', 'other-secret')}`,
    // The refusal tests below fail on purpose; the limits have tests of their own.
    RATE_LIMIT_INTROSPECTION_FAILURES_PER_IP: '1000',
  },
});

/** The PAT these tests introspect. */
const PAT = { scopes: ['repos:write', 'agents:read'], expires_in_days: 7 };

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

function introspect(token: string, headers: Record<string, string> = basic('billing', SECRET), extra = '') {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/oauth/introspect',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: `token=${encodeURIComponent(token)}${extra}`,
  });
}

describe('POST /api/oauth/introspect', () => {
  it('describes a live PAT and access token to a registered client (Basic and client_secret_post)', async () => {
    const user = await signUp(ctx.app);
    const pat = await createPat(ctx.app, user, PAT);
    const response = await introspect(pat.secret);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      active: true,
      scope: 'agents:read repos:write',
      sub: user.id,
      exp: Math.floor(new Date(pat.token.expires_at).getTime() / 1000),
      token_type: 'Bearer',
      token_kind: 'personal_access_token',
    });
    const { access_token } = await accessTokenFor(ctx.app, user);
    const posted = await introspect(access_token, {}, `&client_id=billing&client_secret=${SECRET}`);
    expect(posted.json()).toMatchObject({ active: true, sub: user.id, token_kind: 'access_token' });
    expect(posted.json().client_id).toEqual(expect.any(String));
    expect(posted.json().scope.split(' ')).toContain('account');
  });

  it('answers only { active: false } for revoked, expired, unknown, malformed and other kinds of token', async () => {
    const user = await signUp(ctx.app);
    const revoked = await createPat(ctx.app, user, PAT);
    expect((await introspect(revoked.secret)).json().active).toBe(true);
    await revokePat(ctx.app, user, revoked.token.id);
    const expiring = await createPat(ctx.app, user, { ...PAT, expires_in_days: 1 });
    const { refresh_token } = await accessTokenFor(ctx.app, user);
    const forged = `tes_pat_${'A'.repeat(40)}000000`;
    clock.advance(2 * 24 * 3600 * 1000);
    try {
      for (const token of [
        revoked.secret,
        expiring.secret,
        refresh_token,
        user.sessionToken,
        forged,
        'garbage',
      ]) {
        const response = await introspect(token);
        expect(response.statusCode, token.slice(0, 8)).toBe(200);
        expect(response.json(), token.slice(0, 8)).toEqual({ active: false });
      }
    } finally {
      clock.advance(-2 * 24 * 3600 * 1000);
    }
  });

  it('refuses an unregistered client, a wrong secret and two methods at once with 401 invalid_client', async () => {
    const user = await signUp(ctx.app);
    const pat = await createPat(ctx.app, user, PAT);
    for (const headers of [
      basic('stranger', SECRET),
      basic('billing', 'wrong'),
      basic('search', SECRET),
      basic('billing', ''),
      { authorization: 'Basic !!!' },
      { authorization: `Bearer ${pat.secret}` },
      {},
    ]) {
      const response = await introspect(pat.secret, headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.json().error).toBe('invalid_client');
      expect(response.body).not.toContain(pat.secret);
    }
    const posted = await introspect(pat.secret, {}, '&client_id=billing&client_secret=nope');
    expect(posted.statusCode).toBe(401);
    const both = await introspect(pat.secret, basic('billing', SECRET), `&client_secret=${SECRET}`);
    expect(both.statusCode).toBe(401);
  });

  it('needs the token parameter', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/introspect',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic('billing', SECRET) },
      payload: 'token_type_hint=access_token',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_request');
  });
});

describe('introspection rate limits', () => {
  // A fresh address per test (and per run, for the Redis counters that outlive it).
  const address = () => `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
  const limitedEnv = (extra: Record<string, string> = {}) => ({
    INTROSPECTION_CLIENTS: `billing:${hash('sha256', SECRET)},search:${hash('sha256', 'other-secret')}`,
    RATE_LIMIT_INTROSPECTION_PER_MINUTE: '4',
    RATE_LIMIT_INTROSPECTION_FAILURES_PER_IP: '3',
    ...extra,
  });
  /** An app with these limits for the current test only (its counters start empty). */
  const limitedApp = (extra: Record<string, string> = {}) =>
    buildAppForTest(ctx.store, { clock, env: limitedEnv(extra) });
  const ask = (target: App, ip: string, headers: Record<string, string>) =>
    target.inject({
      method: 'POST',
      url: '/api/oauth/introspect',
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: 'token=tes_pat_nothing',
    });
  const expectRateLimited = (response: Awaited<ReturnType<typeof ask>>) => {
    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('rate_limited');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('failed client authentications count against the address: then even the right secret gets 429 there, not elsewhere', async () => {
    const limited = await limitedApp({ RATE_LIMIT_INTROSPECTION_PER_MINUTE: '100' });
    const prober = address();
    for (const headers of [basic('billing', 'guess-1'), basic('stranger', SECRET), {}]) {
      const response = await ask(limited, prober, headers);
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('invalid_client');
    }
    expectRateLimited(await ask(limited, prober, basic('billing', SECRET)));
    expectRateLimited(await ask(limited, prober, basic('billing', 'guess-4')));
    // Another address is not affected; successes there do not count as failures.
    const honest = address();
    for (let i = 0; i < 4; i += 1)
      expect((await ask(limited, honest, basic('billing', SECRET))).statusCode).toBe(200);
  });

  it('authenticated requests count per client id, from any address; another client keeps its own budget', async () => {
    const limited = await limitedApp();
    for (let i = 0; i < 4; i += 1) {
      expect((await ask(limited, address(), basic('billing', SECRET))).statusCode).toBe(200);
    }
    const over = await ask(limited, address(), basic('billing', SECRET));
    expectRateLimited(over);
    expect(over.json().detail).toContain('billing');
    expect((await ask(limited, address(), basic('search', 'other-secret'))).statusCode).toBe(200);
  });

  it('every request counts per address, whichever client it claims', async () => {
    const limited = await limitedApp({ RATE_LIMIT_INTROSPECTION_FAILURES_PER_IP: '100' });
    const ip = address();
    expect((await ask(limited, ip, basic('billing', SECRET))).statusCode).toBe(200);
    expect((await ask(limited, ip, basic('search', 'other-secret'))).statusCode).toBe(200);
    expect((await ask(limited, ip, basic('billing', SECRET))).statusCode).toBe(200);
    expect((await ask(limited, ip, basic('search', 'other-secret'))).statusCode).toBe(200);
    expectRateLimited(await ask(limited, ip, basic('search', 'other-secret')));
  });

  const redisUrl = process.env.TEST_REDIS_URL;
  it.runIf(Boolean(redisUrl))('failures share one budget between two instances through Redis', async () => {
    const extra = { REDIS_URL: redisUrl!, RATE_LIMIT_INTROSPECTION_PER_MINUTE: '100' };
    const a = await limitedApp(extra);
    const b = await limitedApp(extra);
    const prober = address();
    expect((await ask(a, prober, basic('billing', 'x'))).statusCode).toBe(401);
    expect((await ask(b, prober, basic('billing', 'y'))).statusCode).toBe(401);
    expect((await ask(a, prober, basic('billing', 'z'))).statusCode).toBe(401);
    expectRateLimited(await ask(b, prober, basic('billing', SECRET)));
    expectRateLimited(await ask(a, prober, basic('billing', SECRET)));
  });
});
