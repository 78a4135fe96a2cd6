import { addMs, type Clock } from '../../platform/clock.ts';
import type { Tx } from '../../platform/database/transaction.ts';
import { newId } from '../../platform/ids.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { canonicalScopes } from '../credentials/scopes.ts';

export const ACCESS_TOKEN_LIFETIME_S = 900;
export const REFRESH_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  /** RFC 6749 §5.1: the granted scopes, space-separated. */
  scope: string;
}

/**
 * Mints an access token and a refresh token in one family. A refresh rotates within its
 * family; reuse of a spent refresh token revokes the whole family.
 */
export async function issueTokenPair(
  deps: { credentials: CredentialService; clock: Clock },
  tx: Tx,
  input: {
    userId: string;
    clientId: string;
    /** What the user granted (or a narrowing of it); both tokens hold exactly these (ADR 0013). */
    scopes: readonly string[];
    familyId?: string;
    rotatedFromId?: string;
    /** The client's User-Agent, shown in the user's sessions list. */
    userAgent?: string | null;
  },
): Promise<{ response: TokenResponse; familyId: string; accessTokenId: string; scopes: string[] }> {
  const familyId = input.familyId ?? newId('fam');
  const now = deps.clock.now();
  const scopes = canonicalScopes(input.scopes);
  const access = await deps.credentials.issueCredential(tx, {
    userId: input.userId,
    kind: 'access',
    scopes,
    expiresAt: addMs(now, ACCESS_TOKEN_LIFETIME_S * 1000),
    familyId,
    clientId: input.clientId,
    userAgent: input.userAgent,
  });
  const refresh = await deps.credentials.issueCredential(tx, {
    userId: input.userId,
    kind: 'refresh',
    scopes,
    expiresAt: addMs(now, REFRESH_TOKEN_LIFETIME_MS),
    familyId,
    clientId: input.clientId,
    rotatedFromId: input.rotatedFromId ?? null,
    userAgent: input.userAgent,
  });
  return {
    response: {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      refresh_token: refresh.token,
      scope: scopes.join(' '),
    },
    familyId,
    accessTokenId: access.credential.id,
    scopes,
  };
}
