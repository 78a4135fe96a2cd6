import { createHash, randomBytes } from 'node:crypto';
import {
  type DeviceAuthorization,
  TesseraApiError,
  type TesseraClient,
  type TokenResponse,
  toTesseraApiError,
} from '@tessera/client';
import type { StoredCredential } from './credential-store.ts';
import { AuthError, CliError } from './errors.ts';
import { LOGIN_SCOPES } from './vocabulary.ts';

export { ACCOUNT_SCOPE } from './vocabulary.ts';

/** The CLI's registered OAuth client: public, first-party, loopback redirects (RFC 8252). */
export const CLIENT_ID = 'tessera-cli';
export const GRANT_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** What `tessera login` asks for unless `--scope` narrows it: the account and every resource. */
export const DEFAULT_LOGIN_SCOPES = LOGIN_SCOPES;

/** `--scope` values: separated by commas or spaces, and repeatable (`--scope a,b --scope c`). */
export function collectScopes(value: string, previous: string[] = []): string[] {
  const names = value.split(/[\s,]+/).filter(Boolean);
  return [...new Set([...previous, ...names])];
}

/** RFC 6749 endpoints take form-encoded bodies. */
const formBody = {
  bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
};

export function credentialFromTokens(
  tokens: TokenResponse,
  now: Date,
  user?: { id: string; email: string },
): StoredCredential {
  return {
    kind: 'oauth',
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: new Date(now.getTime() + tokens.expires_in * 1000).toISOString(),
    client_id: CLIENT_ID,
    ...(user ? { user } : {}),
    ...(tokens.scope ? { scopes: tokens.scope.split(' ').filter(Boolean) } : {}),
  };
}

/** POST /api/auth/token with the given grant; RFC 6749 errors become TesseraApiError (code = `error`). */
export async function requestTokens(
  client: TesseraClient,
  params: Record<string, string>,
): Promise<TokenResponse> {
  const { data, error, response } = await client.POST('/api/auth/token', {
    // biome-ignore lint/suspicious/noExplicitAny: the grant parameters are validated by the server
    body: { client_id: CLIENT_ID, ...params } as any,
    ...formBody,
  });
  if (!response.ok || !data) throw toTesseraApiError(response, error);
  return data;
}

export async function refreshTokens(client: TesseraClient, refreshToken: string): Promise<TokenResponse> {
  return requestTokens(client, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

// ---- Device authorization grant (RFC 8628) ------------------------------------------------

export async function startDeviceAuthorization(
  client: TesseraClient,
  scope: string | undefined,
): Promise<DeviceAuthorization> {
  const { data, error, response } = await client.POST('/api/oauth/device_authorization', {
    body: { client_id: CLIENT_ID, ...(scope ? { scope } : {}) },
    ...formBody,
  });
  if (!response.ok || !data) throw toTesseraApiError(response, error);
  return data;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new CliError('Cancelled.'));
    });
  });

/** Polls the token endpoint until the user approves or denies, or the code expires (RFC 8628 §3.4–3.5). */
export async function pollDeviceTokens(
  client: TesseraClient,
  device: DeviceAuthorization,
  options: { now?: () => number; signal?: AbortSignal } = {},
): Promise<TokenResponse> {
  const now = options.now ?? Date.now;
  const deadline = now() + device.expires_in * 1000;
  // §3.5: "If no value is provided, clients MUST use 5 as the default."
  let intervalMs = (device.interval ?? 5) * 1000;
  while (now() < deadline) {
    await sleep(intervalMs, options.signal);
    try {
      return await requestTokens(client, { grant_type: GRANT_DEVICE_CODE, device_code: device.device_code });
    } catch (error) {
      if (!(error instanceof TesseraApiError)) throw error;
      switch (error.code) {
        case 'authorization_pending':
          continue;
        case 'slow_down':
          intervalMs += 5000;
          continue;
        case 'access_denied':
          throw new AuthError(
            'The request was denied in the browser.',
            'Run `tessera login` again to retry.',
          );
        case 'expired_token':
          throw new AuthError('The code expired before it was approved.', 'Run `tessera login` again.');
        default:
          throw error;
      }
    }
  }
  throw new AuthError('The code expired before it was approved.', 'Run `tessera login` again.');
}

// ---- Authorization code + PKCE with a loopback redirect (RFC 7636, RFC 8252) ---------------

const base64url = (bytes: Buffer) => bytes.toString('base64url');

export function createPkce() {
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge, state: base64url(randomBytes(16)) };
}

export function authorizeUrl(
  server: string,
  input: { redirectUri: string; challenge: string; state: string; scope?: string | undefined },
): string {
  const url = new URL(`${server}/api/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: input.redirectUri,
    code_challenge: input.challenge,
    code_challenge_method: 'S256',
    state: input.state,
    ...(input.scope ? { scope: input.scope } : {}),
  }).toString();
  return url.toString();
}
