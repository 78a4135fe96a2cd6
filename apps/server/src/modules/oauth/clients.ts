import { narrowScopes, SCOPES } from '../credentials/scopes.ts';

/**
 * Registered OAuth clients. Tessera's own native clients are public clients (no secret), as
 * RFC 8252 prescribes for native apps; the password grant is allowed only for them (RFC 9700 §2.4).
 */
export interface OAuthClient {
  id: string;
  name: string;
  firstParty: boolean;
  grantTypes: string[];
  /** Loopback redirect URIs; any port is accepted for these (RFC 8252 §7.3). */
  redirectUris: string[];
  /** The scopes this client may ask for (OAUTH-10), `account` included; asking for none means all of these. */
  scopes: readonly string[];
}

export const GRANT_PASSWORD = 'password';
export const GRANT_REFRESH_TOKEN = 'refresh_token';
export const GRANT_AUTHORIZATION_CODE = 'authorization_code';
export const GRANT_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

export const DEFAULT_CLIENT_ID = 'tessera-cli';

export const OAUTH_CLIENTS: OAuthClient[] = [
  {
    id: DEFAULT_CLIENT_ID,
    name: 'Tessera CLI',
    firstParty: true,
    grantTypes: [GRANT_PASSWORD, GRANT_REFRESH_TOKEN, GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE],
    redirectUris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
    scopes: SCOPES,
  },
];

export function findClient(id: string | undefined): OAuthClient | undefined {
  return OAUTH_CLIENTS.find((client) => client.id === (id ?? DEFAULT_CLIENT_ID));
}

/**
 * The scopes a request asks for (RFC 6749 §3.3: space-separated), or null when it names one the
 * client may not have (`invalid_scope`). No scope parameter means everything the client may have.
 */
export function requestedScopes(client: OAuthClient, scope: string | undefined): string[] | null {
  return narrowScopes(client.scopes, scope);
}
