import { inTransaction } from '../../../platform/database/transaction.ts';
import { newId } from '../../../platform/ids.ts';
import { OAuthError } from '../../../platform/oauth-error.ts';
import { narrowScopes } from '../../credentials/scopes.ts';
import type { AuthorizationRequestRepository } from '../authorization-requests.repository.ts';
import { hashOneTimeSecret } from '../one-time-secret.ts';
import { verifyCodeVerifier } from '../pkce.ts';
import { issueTokenPair, type TokenResponse } from '../token-pair.ts';
import { type GrantDeps, type GrantHandler, invalidScope } from './grant.ts';

// One answer for every failure, so that a caller learns nothing about which check failed.
const invalidGrant = () =>
  new OAuthError(
    'invalid_grant',
    'The authorization code is invalid, expired or already used, or does not match.',
  );

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). A code is single-use: redeeming it again fails and
 * revokes the token family the first redemption produced (§4.1.2, RFC 9700 §4.2.4).
 */
export function authorizationCodeGrant(
  deps: GrantDeps & { requests: AuthorizationRequestRepository },
): GrantHandler {
  return async (params, client, context) => {
    const { code, redirect_uri: redirectUri, code_verifier: verifier } = params;
    if (!code || !redirectUri || !verifier) {
      throw new OAuthError('invalid_request', 'code, redirect_uri and code_verifier are required.');
    }
    const found = await deps.requests.findRequestByCodeHash(hashOneTimeSecret(code));
    if (!found) throw invalidGrant();

    const outcome = await inTransaction(
      deps.db,
      async (tx): Promise<TokenResponse | 'invalid_scope' | null> => {
        const revokeFirstRedemption = async () => {
          // Read again: a concurrent first redemption may have committed its family meanwhile.
          const current = await deps.requests.findRequestById(found.id, tx);
          if (current?.family_id) {
            await deps.credentials.revokeCredentials(
              tx,
              { userId: found.user_id, familyId: current.family_id },
              'authorization_code_reused',
            );
          }
          await deps.audit.record(tx, context, {
            userId: found.user_id,
            action: 'oauth.code_reuse_detected',
            targetType: 'token_family',
            targetId: current?.family_id ?? found.id,
            outcome: 'failure',
            metadata: { client_id: found.client_id, authorization_id: found.id },
          });
        };
        if (found.redeemed_at) {
          await revokeFirstRedemption();
          return null;
        }
        const now = deps.clock.now();
        if (
          // Denied after approval (a password change or "sign out everywhere" came first).
          found.status !== 'approved' ||
          found.client_id !== client.id ||
          found.redirect_uri !== redirectUri ||
          !found.code_expires_at ||
          found.code_expires_at.getTime() <= now.getTime() ||
          !verifyCodeVerifier(found.code_challenge, verifier)
        ) {
          return null;
        }
        // The consented scopes, or fewer when the client asks (RFC 6749 §3.3); checked before the code is spent.
        const scopes = narrowScopes(found.scopes, params.scope);
        if (!scopes) return 'invalid_scope';
        const familyId = newId('fam');
        if (!(await deps.requests.claimCode(found.id, familyId, now, tx))) {
          await revokeFirstRedemption();
          return null;
        }
        const pair = await issueTokenPair(deps, tx, {
          userId: found.user_id,
          clientId: client.id,
          familyId,
          scopes,
          userAgent: context.userAgent,
        });
        await deps.audit.record(tx, context, {
          userId: found.user_id,
          action: 'oauth.code_exchanged',
          targetType: 'token_family',
          targetId: familyId,
          metadata: { client_id: client.id, authorization_id: found.id, scopes: pair.scopes },
        });
        return pair.response;
      },
    );
    if (outcome === 'invalid_scope') throw invalidScope();
    if (!outcome) throw invalidGrant();
    return outcome;
  };
}
