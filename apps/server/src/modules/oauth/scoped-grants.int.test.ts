import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as migration0009 from '../../../migrations/0009_scoped_oauth_tokens.ts';
import { bearer, signUp, type TestUser, testClock, useTestApp } from '../../../test/harness.ts';
import {
  decideDevice,
  obtainCode,
  pollDevice,
  redeemCode,
  startDeviceAuthorization,
  tokenForm,
} from '../../../test/oauth-flows.ts';
import { SCOPES } from '../credentials/scopes.ts';

/**
 * Issue #10 item 1 (ADR 0013): an OAuth login holds exactly the scopes granted at consent, on the
 * access and the refresh token, through every refresh; account management needs `account`.
 */

const clock = testClock();

const ctx = useTestApp({ clock });

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

async function deviceLogin(user: TestUser, scope?: string): Promise<Tokens> {
  const device = await startDeviceAuthorization(ctx.app, {
    client_id: 'tessera-cli',
    ...(scope === undefined ? {} : { scope }),
  });
  expect((await decideDevice(ctx.app, user, device.user_code, true)).statusCode).toBe(204);
  const response = await pollDevice(ctx.app, device.device_code);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function codeLogin(user: TestUser, scope?: string): Promise<Tokens> {
  const code = await obtainCode(ctx.app, user, scope === undefined ? {} : { scope });
  const response = await redeemCode(ctx.app, code);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

function refresh(refreshToken: string, scope?: string) {
  return ctx.app.inject(tokenForm({ grant_type: 'refresh_token', refresh_token: refreshToken, scope }));
}

/** POST /api/account/tokens as is: the tests read a refusal as well as a success. */
function postPat(headers: Record<string, string>, payload: Record<string, unknown>) {
  return ctx.app.inject({ method: 'POST', url: '/api/account/tokens', headers, payload });
}

/** "Sign out everywhere else" with the user's session and password. */
function signOutEverywhereElse(user: TestUser) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/account/sessions/revoke-others',
    headers: { cookie: user.cookie },
    payload: { password: user.password },
  });
}

/** The account-management requests a phished `agents:read` login must not be able to make. */
const MANAGEMENT_REQUESTS = [
  { method: 'POST', url: '/api/account/tokens', payload: { name: 'persist', scopes: ['agents:read'] } },
  { method: 'GET', url: '/api/account/tokens' },
  { method: 'GET', url: '/api/provider-accounts' },
  { method: 'GET', url: '/api/account/audit-log' },
  { method: 'GET', url: '/api/account/sessions' },
  { method: 'POST', url: '/api/account/sessions/revoke-others', payload: { password: 'x' } },
  { method: 'DELETE', url: '/api/account', payload: { password: 'x' } },
] as const;

async function expectNoAccountManagement(accessToken: string) {
  for (const request of MANAGEMENT_REQUESTS) {
    const response = await ctx.app.inject({ ...request, headers: bearer(accessToken) });
    const where = `${request.method} ${request.url}`;
    expect(response.statusCode, where).toBe(403);
    expect(response.json().code, where).toBe('insufficient_scope');
    expect(response.headers['www-authenticate'], where).toBe(
      'Bearer realm="tessera", error="insufficient_scope", scope="account"',
    );
  }
}

describe.each([
  ['device code', deviceLogin],
  ['authorization code', codeLogin],
] as const)('a %s login with scope=agents:read', (_name, login) => {
  it('holds agents:read only: it reads agents and cannot manage the account', async () => {
    const user = await signUp(ctx.app);
    const tokens = await login(user, 'agents:read');
    expect(tokens.scope).toBe('agents:read');
    expect(
      (await ctx.app.inject({ url: '/api/agents', headers: bearer(tokens.access_token) })).statusCode,
    ).toBe(200);
    const write = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: bearer(tokens.access_token),
      payload: { name: 'x', description: '', category: 'coding', tags: [], visibility: 'private' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.headers['www-authenticate']).toContain('scope="agents:write"');
    await expectNoAccountManagement(tokens.access_token);
  });

  it('keeps its scopes through a refresh, may narrow them, and can never widen them', async () => {
    const user = await signUp(ctx.app);
    const tokens = await login(user, 'agents:write profile:read');
    expect(tokens.scope).toBe('agents:write profile:read');

    const widened = await refresh(tokens.refresh_token, 'agents:write account');
    expect(widened.statusCode).toBe(400);
    expect(widened.json().error).toBe('invalid_scope');
    // Asking for too much did not spend the refresh token.
    const kept = await refresh(tokens.refresh_token);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().scope).toBe('agents:write profile:read');
    await expectNoAccountManagement(kept.json().access_token);

    // agents:write covers agents:read: narrowing to it is allowed, and sticks.
    const narrowed = await refresh(kept.json().refresh_token, 'agents:read');
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect(narrowed.json().scope).toBe('agents:read');
    const me = await ctx.app.inject({ url: '/api/me', headers: bearer(narrowed.json().access_token) });
    expect(me.statusCode).toBe(403);
    const again = await refresh(narrowed.json().refresh_token, 'agents:write');
    expect(again.json().error).toBe('invalid_scope');
    const last = await refresh(narrowed.json().refresh_token);
    expect(last.json().scope).toBe('agents:read');
  });

  it('without a scope parameter grants account and every resource scope, so it manages tokens', async () => {
    const user = await signUp(ctx.app);
    const tokens = await login(user);
    expect(tokens.scope.split(' ')).toEqual([...SCOPES]);
    const created = await postPat(bearer(tokens.access_token), {
      name: 'from the cli',
      scopes: ['agents:read'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const me = await ctx.app.inject({ url: '/api/me', headers: bearer(tokens.access_token) });
    expect(me.json().credential).toMatchObject({ kind: 'access', scopes: [...SCOPES] });
  });
});

describe('the token endpoint and scopes', () => {
  it('answers the password grant with every scope by default, and exactly what it asks for otherwise', async () => {
    const user = await signUp(ctx.app);
    const password = (scope?: string) =>
      ctx.app.inject(
        tokenForm({ grant_type: 'password', username: user.email, password: user.password, scope }),
      );
    const all = await password();
    expect(all.json().scope).toBe(SCOPES.join(' '));
    const narrow = await password('repos:read account');
    expect(narrow.json().scope).toBe('repos:read account');
    const token = narrow.json().access_token as string;
    expect((await ctx.app.inject({ url: '/api/account/tokens', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    expect((await ctx.app.inject({ url: '/api/agents', headers: bearer(token) })).statusCode).toBe(403);
    const unknown = await password('agents:read admin');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toBe('invalid_scope');
  });

  it('narrows a consented grant at redemption and refuses to widen it', async () => {
    const user = await signUp(ctx.app);
    const wide = await redeemCode(ctx.app, await obtainCode(ctx.app, user, { scope: 'agents:read' }));
    expect(wide.json().scope).toBe('agents:read');
    const code = await obtainCode(ctx.app, user, { scope: 'agents:read' });
    const widened = await ctx.app.inject(
      tokenForm({
        grant_type: 'authorization_code',
        code: code.code,
        redirect_uri: code.redirectUri,
        code_verifier: code.verifier,
        client_id: 'tessera-cli',
        scope: 'agents:read account',
      }),
    );
    expect(widened.json().error).toBe('invalid_scope');

    const device = await startDeviceAuthorization(ctx.app, { client_id: 'tessera-cli', scope: 'tasks:read' });
    await decideDevice(ctx.app, user, device.user_code, true);
    const polled = await ctx.app.inject(
      tokenForm({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code,
        client_id: 'tessera-cli',
        scope: 'tasks:write',
      }),
    );
    expect(polled.json().error).toBe('invalid_scope');
  });

  it('records the granted scopes in the audit log of the grant', async () => {
    const user = await signUp(ctx.app);
    await codeLogin(user, 'agents:read');
    await deviceLogin(user, 'repos:read tasks:read');
    const log = await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
    const events = log.json().events as Array<{ action: string; metadata: { scopes?: string[] } }>;
    const scopesOf = (action: string) => events.find((event) => event.action === action)?.metadata.scopes;
    expect(scopesOf('oauth.consent_granted')).toEqual(['agents:read']);
    expect(scopesOf('oauth.code_exchanged')).toEqual(['agents:read']);
    expect(scopesOf('oauth.device_approved')).toEqual(['repos:read', 'tasks:read']);
    expect(scopesOf('oauth.device_code_exchanged')).toEqual(['repos:read', 'tasks:read']);
  });

  it('never grants account to a personal access token', async () => {
    const user = await signUp(ctx.app);
    const response = await postPat(
      { cookie: user.cookie },
      { name: 'too much', scopes: ['agents:read', 'account'] },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_request');
    const policy = await ctx.app.inject({
      url: '/api/account/tokens/policy',
      headers: { cookie: user.cookie },
    });
    expect(policy.json().scopes.map((scope: { id: string }) => scope.id)).not.toContain('account');
  });
});

describe('grants approved before the password changes or everyone is signed out', () => {
  it('cannot redeem an authorization code approved before a password change', async () => {
    const user = await signUp(ctx.app);
    const code = await obtainCode(ctx.app, user);
    const changed = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/password',
      headers: { cookie: user.cookie },
      payload: { current_password: user.password, new_password: 'a brand new passphrase 42' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const redeemed = await redeemCode(ctx.app, code);
    expect(redeemed.statusCode).toBe(400);
    expect(redeemed.json().error).toBe('invalid_grant');
  });

  it('cannot redeem a device code approved before "sign out everywhere else"', async () => {
    const user = await signUp(ctx.app);
    const device = await startDeviceAuthorization(ctx.app, { client_id: 'tessera-cli' });
    expect((await decideDevice(ctx.app, user, device.user_code, true)).statusCode).toBe(204);
    const signedOut = await signOutEverywhereElse(user);
    expect(signedOut.statusCode, signedOut.body).toBe(200);
    const polled = await pollDevice(ctx.app, device.device_code);
    expect(polled.statusCode).toBe(400);
    expect(polled.json().error).toBe('access_denied');
  });

  it('leaves other users’ approved grants alone', async () => {
    const user = await signUp(ctx.app);
    const other = await signUp(ctx.app);
    const code = await obtainCode(ctx.app, other);
    await signOutEverywhereElse(user);
    expect((await redeemCode(ctx.app, code)).statusCode).toBe(200);
  });
});

describe('migration 0009', () => {
  it('revokes access and refresh tokens minted before they carried scopes, and nothing else', async () => {
    const user = await signUp(ctx.app);
    const row = (id: string, kind: 'access' | 'refresh' | 'personal', scopes: string[]) => ({
      id,
      user_id: user.id,
      kind,
      token_hash: `hash-${id}`,
      preview: 'tes_acc_Ab3x…',
      scopes,
      created_at: new Date(),
      expires_at: new Date(Date.now() + 60_000),
    });
    const suffix = user.id.slice(-8);
    await ctx.store.db
      .insertInto('credentials')
      .values([
        row(`acc_old_${suffix}`, 'access', []),
        row(`ref_old_${suffix}`, 'refresh', []),
        row(`acc_new_${suffix}`, 'access', ['agents:read']),
        row(`tok_pat_${suffix}`, 'personal', ['agents:read']),
      ])
      .execute();
    await migration0009.up(ctx.store.db as unknown as Kysely<unknown>);
    const rows = await ctx.store.db
      .selectFrom('credentials')
      .select(['id', 'revoked_reason'])
      .where('user_id', '=', user.id)
      .where('id', 'like', `%_${suffix}`)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: `acc_new_${suffix}`, revoked_reason: null },
      { id: `acc_old_${suffix}`, revoked_reason: 'scopes_introduced' },
      { id: `ref_old_${suffix}`, revoked_reason: 'scopes_introduced' },
      { id: `tok_pat_${suffix}`, revoked_reason: null },
    ]);
  });
});
