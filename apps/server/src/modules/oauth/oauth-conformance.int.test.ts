import { createServer } from 'node:net';
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, uniqueEmail, useTestApp } from '../../../test/harness.ts';

/**
 * Conformance: the flows driven end to end over real HTTP by oauth4webapi, a strict, certified
 * OAuth client that nobody here wrote. If Tessera bends a rule of RFC 6749, 7636, 8414, 8628,
 * 7009 or 9207 that a client relies on, this fails.
 */

const PASSWORD = 'correct horse battery staple';
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const client: oauth.Client = { client_id: 'tessera-cli' };
const clientAuth = oauth.None();
const clock = testClock();
let port: number;
let base: string;
let as: oauth.AuthorizationServer;

/** A free port on 127.0.0.1, so that PUBLIC_URL (and with it the issuer) can name it before the app starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});

const ctx = useTestApp(() => ({ clock, env: { PUBLIC_URL: base } }));
beforeAll(async () => {
  await ctx.app.listen({ port, host: '127.0.0.1' });
  const issuer = new URL(base);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
});

/** A browser session: sign up through the API and keep the cookie. */
async function browserSession(): Promise<string> {
  const response = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: uniqueEmail('conformance'), password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('tessera_session='));
  return cookie!.split(';')[0]!;
}

/** What the web UI does: call our JSON endpoints with the session cookie, from our own origin. */
function asWebUi(cookie: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    redirect: 'manual',
    headers: { cookie, origin: base, 'content-type': 'application/json', ...(init.headers ?? {}) },
  };
}

async function me(accessToken: string) {
  return fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
}

async function agents(accessToken: string) {
  return fetch(`${base}/api/agents`, { headers: { authorization: `Bearer ${accessToken}` } });
}

describe('oauth4webapi against Tessera', () => {
  it('discovers the server from its RFC 8414 metadata', () => {
    expect(as.issuer).toBe(base);
    expect(as.authorization_endpoint).toBe(`${base}/api/oauth/authorize`);
    expect(as.token_endpoint).toBe(`${base}/api/auth/token`);
    expect(as.device_authorization_endpoint).toBe(`${base}/api/oauth/device_authorization`);
    expect(as.revocation_endpoint).toBe(`${base}/api/oauth/revoke`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('completes authorization code + PKCE with a loopback redirect, then refreshes and revokes', async () => {
    const cookie = await browserSession();
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirectUri = 'http://127.0.0.1:49321/callback';
    const authorizationUrl = new URL(as.authorization_endpoint!);
    authorizationUrl.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      scope: 'agents:read profile:read',
      state,
    }).toString();

    // The browser: authorize → consent page → the user approves → back to the loopback.
    const authorize = await fetch(authorizationUrl, { redirect: 'manual', headers: { cookie } });
    expect(authorize.status).toBe(302);
    const consent = new URL(authorize.headers.get('location')!, base);
    expect(consent.pathname).toBe('/oauth/consent');
    const requestId = consent.searchParams.get('request')!;
    const pending = await fetch(`${base}/api/oauth/requests/${requestId}`, asWebUi(cookie));
    expect(await pending.json()).toMatchObject({ client: { id: 'tessera-cli' }, redirect_uri: redirectUri });
    const decision = await fetch(
      `${base}/api/oauth/requests/${requestId}/decision`,
      asWebUi(cookie, { method: 'POST', body: JSON.stringify({ approve: true }) }),
    );
    expect(decision.status).toBe(200);
    const callback = new URL(((await decision.json()) as { redirect_to: string }).redirect_to);

    // The native client, from here on oauth4webapi alone.
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        params,
        redirectUri,
        verifier,
        insecure,
      ),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.scope).toBe('agents:read profile:read');
    expect((await me(tokens.access_token)).status).toBe(200);

    // A refresh may narrow the grant (RFC 6749 §6) and never widen it.
    await expect(
      oauth
        .refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, {
          ...insecure,
          additionalParameters: { scope: 'agents:read account' },
        })
        .then((response) => oauth.processRefreshTokenResponse(as, client, response)),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, {
        ...insecure,
        additionalParameters: { scope: 'profile:read' },
      }),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.scope).toBe('profile:read');
    expect((await me(refreshed.access_token)).status).toBe(200);
    expect((await agents(refreshed.access_token)).status).toBe(403);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, insecure),
    );
    expect((await me(refreshed.access_token)).status).toBe(401);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, {
        ...insecure,
        additionalParameters: { token_type_hint: 'refresh_token' },
      }),
    );
    await expect(
      oauth
        .refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token!, insecure)
        .then((response) => oauth.processRefreshTokenResponse(as, client, response)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('reports a denied authorization as access_denied with the right state and issuer', async () => {
    const cookie = await browserSession();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: 'http://[::1]:49322/callback',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
      state,
    }).toString();
    const authorize = await fetch(url, { redirect: 'manual', headers: { cookie } });
    const requestId = new URL(authorize.headers.get('location')!, base).searchParams.get('request')!;
    const decision = await fetch(
      `${base}/api/oauth/requests/${requestId}/decision`,
      asWebUi(cookie, { method: 'POST', body: JSON.stringify({ approve: false }) }),
    );
    const callback = new URL(((await decision.json()) as { redirect_to: string }).redirect_to);
    expect(() => oauth.validateAuthResponse(as, client, callback, state)).toThrow(
      oauth.AuthorizationResponseError,
    );
    try {
      oauth.validateAuthResponse(as, client, callback, state);
    } catch (error) {
      expect((error as oauth.AuthorizationResponseError).error).toBe('access_denied');
    }
  });

  it('completes the device authorization grant', async () => {
    const cookie = await browserSession();
    const device = await oauth.processDeviceAuthorizationResponse(
      as,
      client,
      await oauth.deviceAuthorizationRequest(as, client, clientAuth, { scope: 'agents:read' }, insecure),
    );
    expect(device.verification_uri).toBe(`${base}/device`);
    expect(device.interval).toBe(5);

    const poll = async () =>
      oauth.processDeviceCodeResponse(
        as,
        client,
        await oauth.deviceCodeGrantRequest(as, client, clientAuth, device.device_code, insecure),
      );
    await expect(poll()).rejects.toMatchObject({ error: 'authorization_pending' });

    // The user opens verification_uri_complete and confirms.
    const typed = new URL(device.verification_uri_complete!).searchParams.get('user_code')!;
    const lookup = await fetch(
      `${base}/api/oauth/device/lookup`,
      asWebUi(cookie, { method: 'POST', body: JSON.stringify({ user_code: typed }) }),
    );
    expect(await lookup.json()).toMatchObject({ client: { id: 'tessera-cli' }, scopes: ['agents:read'] });
    const approval = await fetch(
      `${base}/api/oauth/device/decision`,
      asWebUi(cookie, { method: 'POST', body: JSON.stringify({ user_code: typed, approve: true }) }),
    );
    expect(approval.status).toBe(204);

    clock.advance(device.interval! * 1000);
    const tokens = await poll();
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('agents:read');
    expect((await agents(tokens.access_token)).status).toBe(200);
    // Granted agents:read only: the profile (and with it everything else) is out of reach.
    const refused = await oauth
      .protectedResourceRequest(
        tokens.access_token,
        'GET',
        new URL(`${base}/api/me`),
        undefined,
        undefined,
        insecure,
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = (refused as oauth.WWWAuthenticateChallengeError).cause[0];
    expect((refused as oauth.WWWAuthenticateChallengeError).status).toBe(403);
    expect(challenge?.scheme).toBe('bearer');
    expect(challenge?.parameters).toMatchObject({ error: 'insufficient_scope', scope: 'profile:read' });

    clock.advance(device.interval! * 1000);
    await expect(poll()).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
