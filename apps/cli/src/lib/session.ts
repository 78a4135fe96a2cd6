import { createTesseraClient, TesseraApiError, type TesseraClient } from '@tessera/client';
import type { CredentialStore, StoredCredential } from './credential-store.ts';
import { AuthError, loginCommandFor, notLoggedInHint } from './errors.ts';
import { credentialFromTokens, refreshTokens } from './oauth.ts';

/** Refresh this long before the access token expires, so that a slow request does not race it. */
const REFRESH_MARGIN_MS = 60_000;

export interface Session {
  client: TesseraClient;
  /** Where the credential came from: TESSERA_TOKEN, or the stored login. */
  source: 'env' | 'stored';
  credential: StoredCredential;
}

const USER_AGENT = 'tessera-cli/0.1.0';

/** A client without a credential: for sign-in, the device flow and public endpoints. */
export function anonymousClient(server: string): TesseraClient {
  return createTesseraClient({ baseUrl: server, headers: { 'user-agent': USER_AGENT } });
}

/**
 * The client of a signed-in command. An OAuth login refreshes its access token by itself
 * (shortly before expiry, and once more if the server still answers 401) and stores the
 * rotated pair, since every refresh spends the old refresh token.
 */
export async function openSession(input: {
  server: string;
  store: CredentialStore;
  env: NodeJS.ProcessEnv;
  /** The command needs an interactive login: its hints do not suggest TESSERA_TOKEN. */
  interactiveOnly?: boolean;
  now?: () => Date;
}): Promise<Session> {
  const { server, store, env } = input;
  const now = input.now ?? (() => new Date());
  const fromEnv = env.TESSERA_TOKEN?.trim();
  if (fromEnv) {
    const credential: StoredCredential = { kind: 'token', token: fromEnv };
    return {
      client: createTesseraClient({ baseUrl: server, token: fromEnv, headers: { 'user-agent': USER_AGENT } }),
      source: 'env',
      credential,
    };
  }

  let credential = await store.get(server);
  if (!credential) {
    throw new AuthError(
      `You are not logged in to ${server}.`,
      notLoggedInHint({ server, interactiveOnly: input.interactiveOnly }),
    );
  }
  const current = () => credential as StoredCredential;

  let refreshing: Promise<string> | undefined;
  const refresh = (): Promise<string> => {
    const stored = current();
    if (stored.kind !== 'oauth') return Promise.resolve(stored.token);
    refreshing ??= (async () => {
      try {
        const tokens = await refreshTokens(anonymousClient(server), stored.refresh_token);
        credential = credentialFromTokens(tokens, now(), stored.user);
        await store.set(server, credential);
        return tokens.access_token;
      } catch (error) {
        if (error instanceof TesseraApiError && error.code === 'invalid_grant') {
          await store.delete(server);
          throw new AuthError(
            `Your login to ${server} has expired or was revoked.`,
            `Run \`${loginCommandFor({ server })}\` again.`,
          );
        }
        throw error;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  const token = async () => {
    const stored = current();
    if (stored.kind === 'token') return stored.token;
    if (new Date(stored.expires_at).getTime() - now().getTime() > REFRESH_MARGIN_MS)
      return stored.access_token;
    return refresh();
  };

  // The server may have revoked the access token early (or the clock is off): one refresh, one retry.
  const fetchWithRetry = async (request: Request): Promise<Response> => {
    const retry = current().kind === 'oauth' ? request.clone() : undefined;
    const response = await fetch(request);
    if (response.status !== 401 || !retry) return response;
    const fresh = await refresh();
    retry.headers.set('authorization', `Bearer ${fresh}`);
    return fetch(retry);
  };

  return {
    client: createTesseraClient({
      baseUrl: server,
      token,
      fetch: fetchWithRetry,
      headers: { 'user-agent': USER_AGENT },
    }),
    source: 'stored',
    credential: current(),
  };
}
