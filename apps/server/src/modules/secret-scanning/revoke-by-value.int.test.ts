import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  signUp,
  type TestUser,
  useTestApp,
} from '../../../test/harness.ts';
import { generateToken } from '../credentials/token-format.ts';

/** `POST /api/credentials/revoke`: revoke by value, for anyone who finds a token (ADR 0011, amended). */

const ctx = useTestApp({ env: { RATE_LIMIT_CREDENTIAL_REVOKE_PER_MINUTE: '1000' } });

const pat = (user: TestUser) => createPat(ctx.app, user, { name: `found-${Math.random()}` });

const report = (credentials: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/credentials/revoke',
    headers: { 'x-forwarded-for': '203.0.113.9', ...headers },
    payload: { credentials } as Record<string, unknown>,
  });

const me = (secret: string) => ctx.app.inject({ url: '/api/me', headers: bearer(secret) });

describe('POST /api/credentials/revoke', () => {
  it('revokes a found PAT without any credential, and the owner’s log records it with the reporter’s address', async () => {
    const user = await signUp(ctx.app);
    const { token, secret } = await pat(user);
    expect((await me(secret)).statusCode).toBe(200);
    const response = await report([secret]);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ received: 1 });
    expect((await me(secret)).statusCode).toBe(401);
    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events as Array<{ action: string; target_id: string; ip: string | null }>;
    const reported = events.find((e) => e.action === 'token.reported_revoked');
    expect(reported).toMatchObject({ target_id: token.id });
    expect(reported?.ip).toBeTruthy();
  });

  it('answers byte-for-byte the same for a live token, an unknown one, a revoked one and garbage', async () => {
    const user = await signUp(ctx.app);
    const live = await pat(user);
    const answers = [];
    for (const value of [live.secret, generateToken('pat'), live.secret, 'not a token', `${live.secret}x`]) {
      const response = await report([value]);
      answers.push([response.statusCode, response.body, response.headers['content-type']]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('revokes every live token among up to 1000 strings, whatever their kind, and leaves the rest alone', async () => {
    const user = await signUp(ctx.app);
    const bystander = await signUp(ctx.app);
    const found = await pat(user);
    const other = await pat(user);
    const kept = await pat(bystander);
    const access = await accessTokenFor(ctx.app, user);
    const filler = Array.from({ length: 995 }, () => generateToken('pat'));
    const response = await report([found.secret, access.access_token, found.secret, ...filler]);
    expect(response.statusCode).toBe(202);
    expect((await me(found.secret)).statusCode).toBe(401);
    expect((await me(access.access_token)).statusCode).toBe(401);
    expect((await me(other.secret)).statusCode).toBe(200);
    expect((await me(kept.secret)).statusCode).toBe(200);
  });

  it('revokes a token by its old secret while a rotation overlap runs, not by a rotated-out one', async () => {
    const user = await signUp(ctx.app);
    const during = await pat(user);
    await ctx.app.inject({
      method: 'POST',
      url: `/api/account/tokens/${during.token.id}/rotate`,
      headers: { cookie: user.cookie },
      payload: { overlap: 'until_first_use' },
    });
    await report([during.secret]);
    const view = await ctx.app.inject({
      url: `/api/account/tokens/${during.token.id}`,
      headers: { cookie: user.cookie },
    });
    expect(view.json().status).toBe('revoked');

    const after = await pat(user);
    const rotated = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/tokens/${after.token.id}/rotate`,
      headers: { cookie: user.cookie },
    });
    await report([after.secret]);
    expect((await me(rotated.json().secret)).statusCode).toBe(200);
  });

  it('refuses garbage and oversized bodies without revoking anything', async () => {
    const user = await signUp(ctx.app);
    const { secret } = await pat(user);
    const tooMany = Array.from({ length: 1001 }, () => secret);
    for (const body of [tooMany, [], [42], [secret.repeat(5)], 'tes_pat', null]) {
      const response = await report(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 50)).toBe(400);
      expect(response.body).not.toContain(secret);
    }
    for (const [label, headers, payload, status] of [
      ['an extra field', {}, { credentials: [secret], owner: 'x' }, 400],
      ['not JSON', { 'content-type': 'text/plain' }, secret, 415],
      [
        'a huge body',
        { 'content-type': 'application/json' },
        JSON.stringify({ credentials: ['x'.repeat(300 * 1024)] }),
        413,
      ],
    ] as const) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/credentials/revoke',
        headers,
        payload,
      });
      expect(response.statusCode, label).toBe(status);
    }
    expect((await me(secret)).statusCode).toBe(200);
  });

  it('is rate-limited per address', async () => {
    const limited = await buildAppForTest(ctx.store, {
      env: { RATE_LIMIT_CREDENTIAL_REVOKE_PER_MINUTE: '2' },
    });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const response = await limited.inject({
        method: 'POST',
        url: '/api/credentials/revoke',
        payload: { credentials: [generateToken('pat')] },
      });
      codes.push(response.statusCode);
      if (response.statusCode === 429) expect(response.headers['retry-after']).toBeTruthy();
    }
    expect(codes).toEqual([202, 202, 429]);
    // Another address is not affected.
    const elsewhere = await limited.inject({
      method: 'POST',
      url: '/api/credentials/revoke',
      remoteAddress: '198.51.100.7',
      payload: { credentials: [generateToken('pat')] },
    });
    expect(elsewhere.statusCode).toBe(202);
  });
});
