import { inTransaction } from '../../../platform/database/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { OAuthError } from '../../../platform/oauth-error.ts';
import { narrowScopes, SCOPES } from '../../credentials/scopes.ts';
import { issueTokenPair } from '../token-pair.ts';
import { type GrantDeps, type GrantHandler, invalidScope } from './grant.ts';

/** RFC 6749 §4.3, kept for Tessera's first-party native clients only (RFC 9700 §2.4). */
export function passwordGrant(deps: GrantDeps): GrantHandler {
  return async (params, client, context) => {
    if (!client.firstParty)
      throw new OAuthError('unauthorized_client', 'This client may not use the password grant.');
    const { username, password } = params;
    if (!username || !password)
      throw new OAuthError('invalid_request', 'username and password are required.');
    // Checked before the password, so that a malformed request does not spend a throttled attempt.
    const scopes = narrowScopes(SCOPES, params.scope);
    if (!scopes) throw invalidScope();
    let userId: string;
    try {
      userId = (await deps.accounts.authenticatePassword(username, password, context)).id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_credentials') {
        throw new OAuthError('invalid_grant', 'The e-mail or password is not right.');
      }
      throw error;
    }
    return inTransaction(deps.db, async (tx) => {
      const pair = await issueTokenPair(deps, tx, {
        userId,
        clientId: client.id,
        scopes,
        userAgent: context.userAgent,
      });
      await deps.audit.record(tx, context, {
        userId,
        action: 'auth.login',
        targetType: 'token_family',
        targetId: pair.familyId,
        metadata: { method: 'password', via: 'oauth', client_id: client.id, scopes: pair.scopes },
      });
      return pair.response;
    });
  };
}
