import { inTransaction } from '../../../platform/database/transaction.ts';
import { OAuthError } from '../../../platform/oauth-error.ts';
import { narrowScopes } from '../../credentials/scopes.ts';
import { issueTokenPair } from '../token-pair.ts';
import { type GrantDeps, type GrantHandler, invalidScope } from './grant.ts';

const invalidGrant = () =>
  new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');

/**
 * RFC 6749 §6 with rotation: every refresh spends the old token; reusing a spent one revokes the
 * family. The new pair holds the old token's scopes, or fewer when `scope` asks (never more).
 */
export function refreshTokenGrant(deps: GrantDeps): GrantHandler {
  return async (params, client, context) => {
    const presented = params.refresh_token;
    if (!presented) throw new OAuthError('invalid_request', 'refresh_token is required.');
    const row = await deps.credentials.findByToken(presented, 'refresh');
    if (!row || row.client_id !== client.id) throw invalidGrant();
    // Every refresh token is issued into a family (token-pair.ts); one without is not redeemable.
    const familyId = row.family_id;
    if (!familyId) throw invalidGrant();

    const outcome = await inTransaction(deps.db, async (tx) => {
      const revokeFamily = async (reason: string) => {
        await deps.credentials.revokeCredentials(tx, { userId: row.user_id, familyId }, 'refresh_reuse');
        await deps.audit.record(tx, context, {
          userId: row.user_id,
          action: 'auth.refresh_family_revoked',
          targetType: 'token_family',
          targetId: familyId,
          outcome: 'failure',
          metadata: { reason, client_id: client.id },
        });
      };
      if (row.revoked_at) {
        if (row.revoked_reason === 'rotated') await revokeFamily('refresh_token_reused');
        return null;
      }
      if (row.expires_at && row.expires_at.getTime() <= deps.clock.now().getTime()) return null;
      // Before the claim: asking for too much is the client's mistake and does not spend the token.
      const scopes = narrowScopes(row.scopes, params.scope);
      if (!scopes) return 'invalid_scope' as const;
      // Claim the token atomically: of two concurrent refreshes only one wins; the other is a reuse.
      const claimed = await deps.credentials.revokeCredentials(tx, { ids: [row.id] }, 'rotated');
      if (claimed.length === 0) {
        await revokeFamily('refresh_token_reused');
        return null;
      }
      const pair = await issueTokenPair(deps, tx, {
        userId: row.user_id,
        clientId: client.id,
        familyId,
        rotatedFromId: row.id,
        scopes,
        userAgent: context.userAgent,
      });
      await deps.audit.record(tx, context, {
        userId: row.user_id,
        action: 'auth.token_refreshed',
        targetType: 'token_family',
        targetId: familyId,
        metadata: { client_id: client.id, scopes: pair.scopes },
      });
      return pair.response;
    });
    if (outcome === 'invalid_scope') throw invalidScope();
    if (!outcome) throw invalidGrant();
    return outcome;
  };
}
