import { randomBytes } from 'node:crypto';
import { s256Challenge } from '../src/modules/oauth/pkce.ts';
import type { App } from '../src/platform/http/schemas.ts';
import type { TestUser } from './harness.ts';

/** Helpers that drive the browser-assisted OAuth flows through HTTP, as a native client and a browser would. */

export const CLIENT_ID = 'tessera-cli';
export const LOOPBACK_REDIRECT = 'http://127.0.0.1:53682/callback';

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

export function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `/api/oauth/authorize?${query.toString()}`;
}

export function authorizeParams(overrides: Record<string, string | undefined> = {}) {
  return {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: LOOPBACK_REDIRECT,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    ...overrides,
  };
}

/** GET /api/oauth/authorize as the signed-in user's browser; returns the pending request id. */
export async function startAuthorization(
  app: App,
  user: TestUser,
  params: Record<string, string | undefined>,
): Promise<string> {
  const response = await app.inject({ url: authorizeUrl(params), headers: { cookie: user.cookie } });
  const location = String(response.headers.location ?? '');
  const match = /^\/oauth\/consent\?request=([A-Za-z0-9_-]+)$/.exec(location);
  if (response.statusCode !== 302 || !match) {
    throw new Error(`authorize did not lead to consent: ${response.statusCode} ${location} ${response.body}`);
  }
  return match[1]!;
}

export async function decide(app: App, user: TestUser, requestId: string, approve: boolean) {
  return app.inject({
    method: 'POST',
    url: `/api/oauth/requests/${requestId}/decision`,
    headers: { cookie: user.cookie },
    payload: { approve },
  });
}

/** The whole browser part: authorize, approve; returns the code and what it is bound to. */
export async function obtainCode(
  app: App,
  user: TestUser,
  overrides: Record<string, string | undefined> = {},
) {
  const pkce = pkcePair();
  const params = authorizeParams({ code_challenge: pkce.challenge, ...overrides });
  const requestId = await startAuthorization(app, user, params);
  const decision = await decide(app, user, requestId, true);
  if (decision.statusCode !== 200)
    throw new Error(`decision failed: ${decision.statusCode} ${decision.body}`);
  const redirectTo = new URL(decision.json().redirect_to);
  const code = redirectTo.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirectTo}`);
  return {
    code,
    verifier: pkce.verifier,
    challenge: pkce.challenge,
    redirectUri: params.redirect_uri!,
    state: params.state,
    requestId,
  };
}

/**
 * A form POST to an OAuth endpoint (token, revoke, device authorization), encoded as RFC 6749
 * clients send it; fields left undefined are not sent.
 */
export const oauthForm = (url: string, fields: Record<string, string | undefined>) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.set(name, value);
  return {
    method: 'POST' as const,
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  };
};

/** A form POST to the token endpoint. */
export const tokenForm = (fields: Record<string, string | undefined>) => oauthForm('/api/auth/token', fields);

export function redeemCode(
  app: App,
  input: { code: string; redirectUri: string; verifier: string | undefined; clientId?: string },
) {
  return app.inject(
    tokenForm({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier,
      client_id: input.clientId ?? CLIENT_ID,
    }),
  );
}

export async function startDeviceAuthorization(
  app: App,
  fields: Record<string, string> = { client_id: CLIENT_ID },
) {
  const response = await app.inject(oauthForm('/api/oauth/device_authorization', fields));
  if (response.statusCode !== 200) throw new Error(`device authorization failed: ${response.body}`);
  return response.json() as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete: string;
    expires_in: number;
    interval: number;
  };
}

export function pollDevice(app: App, deviceCode: string, clientId = CLIENT_ID) {
  return app.inject(
    tokenForm({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: clientId,
    }),
  );
}

export function decideDevice(
  app: App,
  user: TestUser,
  userCode: string,
  approve: boolean,
  remoteAddress?: string,
) {
  return app.inject({
    method: 'POST',
    url: '/api/oauth/device/decision',
    headers: { cookie: user.cookie },
    payload: { user_code: userCode, approve },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

export function lookUpDevice(app: App, user: TestUser, userCode: string, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/oauth/device/lookup',
    headers: { cookie: user.cookie },
    payload: { user_code: userCode },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

/** The actions of the user's audit log, newest first. */
export async function auditActions(app: App, user: TestUser): Promise<string[]> {
  const response = await app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
  return (response.json().events as Array<{ action: string }>).map((event) => event.action);
}
