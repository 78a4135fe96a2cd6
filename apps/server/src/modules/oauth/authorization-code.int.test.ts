import { describe, expect, it } from 'vitest';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  captureLogs,
  signUp,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';
import {
  auditActions,
  authorizeParams,
  authorizeUrl,
  CLIENT_ID,
  decide,
  decideDevice,
  LOOPBACK_REDIRECT,
  obtainCode,
  pkcePair,
  pollDevice,
  redeemCode,
  startAuthorization,
  startDeviceAuthorization,
  tokenForm,
} from '../../../test/oauth-flows.ts';

// RFC 7636 Appendix B.
const APPENDIX_B_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const APPENDIX_B_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const ISSUER = 'http://localhost:3000';
const clock = testClock();

const ctx = useTestApp({ clock });

/** A signed-in user and the authorization request of theirs the consent page would show. */
async function userWithPendingRequest() {
  const user = await signUp(ctx.app);
  const params = authorizeParams();
  const id = await startAuthorization(ctx.app, user, params);
  return { user, id, params };
}

/** GET /api/oauth/requests/{id} (what the consent page shows), as whoever `headers` says. */
const viewRequest = (id: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ url: `/api/oauth/requests/${id}`, headers });

/** POST /api/oauth/requests/{id}/decision with any headers and body (`decide` sends a valid one). */
const postDecision = (id: string, headers: Record<string, string>, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: `/api/oauth/requests/${id}/decision`, headers, payload });

/** The query of an error redirect to the client, or a failure if the answer was not one. */
function redirectedError(response: { statusCode: number; headers: Record<string, unknown> }, base: string) {
  expect(response.statusCode).toBe(302);
  const location = String(response.headers.location);
  expect(location.startsWith(`${base}?`)).toBe(true);
  const params = new URL(location).searchParams;
  expect(params.get('code')).toBeNull();
  return params;
}

describe('GET /api/oauth/authorize', () => {
  it('sends a signed-out browser to /login with the whole authorize URL as next', async () => {
    const url = authorizeUrl(authorizeParams());
    const response = await ctx.app.inject({ url });
    expect(response.statusCode).toBe(302);
    const location = String(response.headers.location);
    expect(location.startsWith('/login?next=')).toBe(true);
    expect(new URLSearchParams(location.slice('/login?'.length)).get('next')).toBe(url);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('ignores a cookie that is not a live session', async () => {
    const user = await signUp(ctx.app);
    await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: user.cookie } });
    const response = await ctx.app.inject({
      url: authorizeUrl(authorizeParams()),
      headers: { cookie: user.cookie },
    });
    expect(String(response.headers.location)).toMatch(/^\/login\?next=/);
  });

  it('stores a pending request for a signed-in user and sends the browser to the consent page', async () => {
    const user = await signUp(ctx.app);
    const params = authorizeParams({ scope: 'agents:read profile:read' });
    const id = await startAuthorization(ctx.app, user, params);
    const response = await viewRequest(id, { cookie: user.cookie });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      id,
      client: { id: CLIENT_ID, name: 'Tessera CLI' },
      scopes: ['agents:read', 'profile:read'],
      redirect_uri: LOOPBACK_REDIRECT,
    });
  });

  it('asks for every scope the client may have when no scope is given', async () => {
    const { user, id } = await userWithPendingRequest();
    const response = await viewRequest(id, { cookie: user.cookie });
    expect(response.json().scopes).toContain('agents:write');
    expect(response.json().scopes).toContain('profile:read');
  });

  describe('redirect URI checks (OAUTH-3)', () => {
    it.each([
      'http://127.0.0.1:1/callback',
      'http://127.0.0.1:53682/callback',
      'http://127.0.0.1/callback',
      'http://[::1]:49152/callback',
    ])('accepts the registered loopback URI with any port: %s', async (redirectUri) => {
      const user = await signUp(ctx.app);
      await expect(
        startAuthorization(ctx.app, user, authorizeParams({ redirect_uri: redirectUri })),
      ).resolves.toMatch(/^oar_/);
    });

    it.each([
      ['a different path', 'http://127.0.0.1:5000/other'],
      ['a different scheme', 'https://127.0.0.1:5000/callback'],
      ['a custom scheme', 'tessera://127.0.0.1/callback'],
      ['an added query', 'http://127.0.0.1:5000/callback?x=1'],
      ['a fragment', 'http://127.0.0.1:5000/callback#x'],
      ['userinfo', 'http://attacker@127.0.0.1:5000/callback'],
      ['userinfo hiding another host', 'http://127.0.0.1:5000@evil.example/callback'],
      ['a look-alike host', 'http://127.0.0.1.evil.com/callback'],
      ['localhost, which is not registered', 'http://localhost:5000/callback'],
      ['a short form of 127.0.0.1', 'http://127.1:5000/callback'],
      ['an outside site', 'https://evil.example/callback'],
    ])('rejects %s with 400 and never redirects', async (_label, redirectUri) => {
      const user = await signUp(ctx.app);
      const response = await ctx.app.inject({
        url: authorizeUrl(authorizeParams({ redirect_uri: redirectUri })),
        headers: { cookie: user.cookie },
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('invalid_request');
      expect(response.body).not.toContain('evil');
    });

    it.each([
      ['an unknown client', { client_id: 'evil-app' }],
      ['no client_id', { client_id: undefined }],
      ['no redirect_uri', { redirect_uri: undefined }],
      ['a parameter given twice', {}],
    ])('answers %s with 400 and never redirects', async (label, overrides) => {
      let url = authorizeUrl(authorizeParams(overrides));
      if (label === 'a parameter given twice')
        url += `&redirect_uri=${encodeURIComponent('https://evil.example/')}`;
      const response = await ctx.app.inject({ url });
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.json().code).toBe('invalid_request');
    });
  });

  describe('PKCE and other request errors go back to the client (OAUTH-1)', () => {
    it.each([
      ['a missing code_challenge', { code_challenge: undefined }, 'invalid_request'],
      ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      [
        'a missing code_challenge_method (which means plain)',
        { code_challenge_method: undefined },
        'invalid_request',
      ],
      ['a malformed code_challenge', { code_challenge: 'too-short' }, 'invalid_request'],
      ['a missing response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type=token (implicit)', { response_type: 'token' }, 'unsupported_response_type'],
      ['an unknown scope', { scope: 'agents:read admin' }, 'invalid_scope'],
    ])(
      'answers %s with error=%s at the redirect URI, with state and iss',
      async (_label, overrides, error) => {
        const user = await signUp(ctx.app);
        const params = authorizeParams(overrides);
        const response = await ctx.app.inject({
          url: authorizeUrl(params),
          headers: { cookie: user.cookie },
        });
        const query = redirectedError(response, LOOPBACK_REDIRECT);
        expect(query.get('error')).toBe(error);
        expect(query.get('state')).toBe(params.state);
        expect(query.get('iss')).toBe(ISSUER);
        expect(query.get('error_description')).toEqual(expect.any(String));
      },
    );

    it('issues no code at all without a challenge, so a later code_verifier has nothing to downgrade', async () => {
      const user = await signUp(ctx.app);
      const response = await ctx.app.inject({
        url: authorizeUrl(authorizeParams({ code_challenge: undefined, code_challenge_method: undefined })),
        headers: { cookie: user.cookie },
      });
      expect(redirectedError(response, LOOPBACK_REDIRECT).get('error')).toBe('invalid_request');
      const stored = await ctx.store.db
        .selectFrom('oauth_authorization_requests')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      expect(stored).toEqual([]);
    });
  });
});

describe('the consent endpoints', () => {
  it('answer 401 without a credential', async () => {
    const { id } = await userWithPendingRequest();
    expect((await viewRequest(id)).statusCode).toBe(401);
    const decision = await postDecision(id, {}, { approve: true });
    expect(decision.statusCode).toBe(401);
  });

  it("answer 404 for another user's request, which stays pending for its owner", async () => {
    const owner = await signUp(ctx.app);
    const other = await signUp(ctx.app);
    const id = await startAuthorization(ctx.app, owner, authorizeParams());
    const peek = await viewRequest(id, { cookie: other.cookie });
    const unknown = await ctx.app.inject({
      url: '/api/oauth/requests/oar_doesnotexist',
      headers: { cookie: other.cookie },
    });
    expect(peek.statusCode).toBe(404);
    expect(peek.json()).toEqual(unknown.json());
    expect((await decide(ctx.app, other, id, true)).statusCode).toBe(404);
    const own = await viewRequest(id, { cookie: owner.cookie });
    expect(own.statusCode).toBe(200);
  });

  it('refuses a cross-site decision (CSRF) and leaves the request pending', async () => {
    const { user, id } = await userWithPendingRequest();
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const response = await postDecision(id, { cookie: user.cookie, ...headers }, { approve: true });
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('csrf_rejected');
    }
    expect((await viewRequest(id, { cookie: user.cookie })).statusCode).toBe(200);
  });

  it('accepts a same-origin decision', async () => {
    const { user, id } = await userWithPendingRequest();
    const response = await postDecision(
      id,
      { cookie: user.cookie, origin: ISSUER, 'sec-fetch-site': 'same-origin' },
      { approve: false },
    );
    expect(response.statusCode).toBe(200);
  });

  it('refuse an access token: only the person in the browser may answer, not a program', async () => {
    const { user, id } = await userWithPendingRequest();
    const { access_token: accessToken } = await accessTokenFor(ctx.app, user);
    const peek = await viewRequest(id, bearer(accessToken));
    const approve = await postDecision(id, bearer(accessToken), { approve: true });
    for (const response of [peek, approve]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
    expect((await viewRequest(id, { cookie: user.cookie })).statusCode).toBe(200);
  });

  it('approval answers redirect_to with code, state and iss, once', async () => {
    const { user, id, params } = await userWithPendingRequest();
    const response = await decide(ctx.app, user, id, true);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const redirectTo = String(response.json().redirect_to);
    expect(redirectTo.startsWith(`${LOOPBACK_REDIRECT}?`)).toBe(true);
    const query = new URL(redirectTo).searchParams;
    expect(query.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toBe(params.state);
    expect(query.get('iss')).toBe(ISSUER);
    expect((await decide(ctx.app, user, id, true)).statusCode).toBe(404);
    expect((await decide(ctx.app, user, id, false)).statusCode).toBe(404);
    expect((await viewRequest(id, { cookie: user.cookie })).statusCode).toBe(404);
    expect(await auditActions(ctx.app, user)).toContain('oauth.consent_granted');
  });

  it('stores only a hash of the code', async () => {
    const user = await signUp(ctx.app);
    const { code, requestId } = await obtainCode(ctx.app, user);
    const row = await ctx.store.db
      .selectFrom('oauth_authorization_requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('denial answers redirect_to with error=access_denied and state, and is audited', async () => {
    const { user, id, params } = await userWithPendingRequest();
    const response = await decide(ctx.app, user, id, false);
    expect(response.statusCode).toBe(200);
    const query = new URL(response.json().redirect_to).searchParams;
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(params.state);
    expect(query.get('code')).toBeNull();
    expect(await auditActions(ctx.app, user)).toContain('oauth.consent_denied');
  });

  it('refuses a body with extra members', async () => {
    const { user, id } = await userWithPendingRequest();
    const response = await postDecision(
      id,
      { cookie: user.cookie },
      { approve: true, user_id: 'usr_someone_else' },
    );
    expect(response.statusCode).toBe(400);
  });

  it('answers 404 once the request is older than 10 minutes', async () => {
    const { user, id } = await userWithPendingRequest();
    clock.advance(10 * 60 * 1000 + 1);
    expect((await viewRequest(id, { cookie: user.cookie })).statusCode).toBe(404);
    expect((await decide(ctx.app, user, id, true)).statusCode).toBe(404);
  });
});

describe('grant_type=authorization_code', () => {
  it('exchanges a code for a token pair (no-store) that works, and audits the exchange', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    const response = await redeemCode(ctx.app, { code, redirectUri, verifier });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.access_token).toMatch(/^tes_acc_/);
    expect(body.refresh_token).toMatch(/^tes_ref_/);
    const me = await ctx.app.inject({ url: '/api/me', headers: bearer(body.access_token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(user.id);
    expect(await auditActions(ctx.app, user)).toContain('oauth.code_exchanged');
  });

  it('accepts the RFC 7636 Appendix B verifier for its challenge', async () => {
    const user = await signUp(ctx.app);
    const requestId = await startAuthorization(
      ctx.app,
      user,
      authorizeParams({ code_challenge: APPENDIX_B_CHALLENGE }),
    );
    const code = new URL((await decide(ctx.app, user, requestId, true)).json().redirect_to).searchParams.get(
      'code',
    )!;
    const response = await redeemCode(ctx.app, {
      code,
      redirectUri: LOOPBACK_REDIRECT,
      verifier: APPENDIX_B_VERIFIER,
    });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['a wrong code_verifier', (c: Codes) => ({ ...c, verifier: pkcePair().verifier })],
    ['the challenge sent as the verifier (plain)', (c: Codes) => ({ ...c, verifier: c.challenge })],
    ['another redirect_uri', (c: Codes) => ({ ...c, redirectUri: 'http://127.0.0.1:53683/callback' })],
    ['another loopback host', (c: Codes) => ({ ...c, redirectUri: 'http://[::1]:53682/callback' })],
    ['a made-up code', (c: Codes) => ({ ...c, code: pkcePair().verifier })],
  ])('answers invalid_grant for %s', async (_label, change) => {
    const user = await signUp(ctx.app);
    const codes = await obtainCode(ctx.app, user);
    const response = await redeemCode(ctx.app, change(codes));
    expect(response.statusCode).toBe(400);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('answers invalid_request without a code_verifier (PKCE is required)', async () => {
    const user = await signUp(ctx.app);
    const { code, redirectUri } = await obtainCode(ctx.app, user);
    const response = await redeemCode(ctx.app, { code, redirectUri, verifier: undefined });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_request');
  });

  it('answers invalid_client (401) for a client that is not registered', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    const response = await redeemCode(ctx.app, { code, redirectUri, verifier, clientId: 'evil-app' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_client');
    // The code is still good for its own client.
    expect((await redeemCode(ctx.app, { code, redirectUri, verifier })).statusCode).toBe(200);
  });

  it.each([
    ['61 seconds', 61 * 1000],
    ['more than 10 minutes', 10 * 60 * 1000 + 1],
  ])('answers invalid_grant for a code %s old', async (_label, age) => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    clock.advance(age);
    const response = await redeemCode(ctx.app, { code, redirectUri, verifier });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_grant');
  });

  it('still accepts a code 59 seconds old', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    clock.advance(59 * 1000);
    expect((await redeemCode(ctx.app, { code, redirectUri, verifier })).statusCode).toBe(200);
  });

  it('refuses a code redeemed twice and revokes every token of the first redemption (OAUTH-2)', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    const first = (await redeemCode(ctx.app, { code, redirectUri, verifier })).json();
    // The first redemption's family has moved on by a refresh: the new pair must go too.
    const refreshed = (
      await ctx.app.inject(
        tokenForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID }),
      )
    ).json();
    expect(
      (await ctx.app.inject({ url: '/api/me', headers: bearer(refreshed.access_token) })).statusCode,
    ).toBe(200);

    const second = await redeemCode(ctx.app, { code, redirectUri, verifier });
    expect(second.statusCode).toBe(400);
    expect(second.json().error).toBe('invalid_grant');

    for (const token of [first.access_token, refreshed.access_token]) {
      const me = await ctx.app.inject({ url: '/api/me', headers: bearer(token) });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('invalid_token');
    }
    const refresh = await ctx.app.inject(
      tokenForm({
        grant_type: 'refresh_token',
        refresh_token: refreshed.refresh_token,
        client_id: CLIENT_ID,
      }),
    );
    expect(refresh.json().error).toBe('invalid_grant');
    expect(await auditActions(ctx.app, user)).toContain('oauth.code_reuse_detected');
  });

  it('lets only one of two concurrent redemptions through, and then revokes it as a reuse', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier, redirectUri } = await obtainCode(ctx.app, user);
    const answers = await Promise.all([
      redeemCode(ctx.app, { code, redirectUri, verifier }),
      redeemCode(ctx.app, { code, redirectUri, verifier }),
    ]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 400]);
    const winner = answers.find((a) => a.statusCode === 200)!.json();
    expect((await ctx.app.inject({ url: '/api/me', headers: bearer(winner.access_token) })).statusCode).toBe(
      401,
    );
  });

  it('a code or code_verifier is never a bearer credential (AUTHN-9)', async () => {
    const user = await signUp(ctx.app);
    const { code, verifier } = await obtainCode(ctx.app, user);
    for (const secret of [code, verifier]) {
      const me = await ctx.app.inject({ url: '/api/me', headers: bearer(secret) });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('invalid_token');
    }
  });
});

type Codes = Awaited<ReturnType<typeof obtainCode>> & { verifier: string | undefined };

describe('logs (AUDIT-2)', () => {
  it('never contain a code, verifier, state, device code or token of these flows', async () => {
    const logs = captureLogs();
    const logged = await buildAppForTest(ctx.store, { clock, logStream: logs.stream });
    const user = await signUp(logged);
    const { code, verifier, redirectUri, state } = await obtainCode(logged, user);
    const tokens = (await redeemCode(logged, { code, redirectUri, verifier })).json();
    await redeemCode(logged, { code, redirectUri, verifier });
    const device = await startDeviceAuthorization(logged);
    await decideDevice(logged, user, device.user_code, true);
    const deviceTokens = (await pollDevice(logged, device.device_code)).json();
    const text = logs.text();
    expect(text).toContain('/api/oauth/authorize');
    for (const secret of [
      code,
      verifier,
      state!,
      tokens.access_token,
      tokens.refresh_token,
      device.device_code,
      deviceTokens.access_token,
      user.sessionToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
