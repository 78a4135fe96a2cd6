import { inTransaction } from '../../../platform/database/transaction.ts';
import { OAuthError } from '../../../platform/oauth-error.ts';
import { narrowScopes } from '../../credentials/scopes.ts';
import { SLOW_DOWN_STEP_S } from '../device-authorization.service.ts';
import type { DeviceAuthorizationRepository } from '../device-authorizations.repository.ts';
import { hashOneTimeSecret } from '../one-time-secret.ts';
import { issueTokenPair, type TokenResponse } from '../token-pair.ts';
import type { GrantDeps, GrantHandler } from './grant.ts';

type PollOutcome = { tokens: TokenResponse } | { error: string; description: string };

/**
 * RFC 8628 §3.4–3.5: the device polls until the user decides. The poll's bookkeeping (last poll,
 * interval raised by slow_down) commits even when the answer is an error, so it runs in the
 * transaction and the error is thrown after it.
 */
export function deviceCodeGrant(deps: GrantDeps & { devices: DeviceAuthorizationRepository }): GrantHandler {
  return async (params, client, context) => {
    const deviceCode = params.device_code;
    if (!deviceCode) throw new OAuthError('invalid_request', 'device_code is required.');
    const outcome = await inTransaction(deps.db, async (tx): Promise<PollOutcome> => {
      const row = await deps.devices.findByDeviceCodeHashForUpdate(hashOneTimeSecret(deviceCode), tx);
      if (!row || row.client_id !== client.id || row.status === 'redeemed') {
        return { error: 'invalid_grant', description: 'The device code is invalid or already used.' };
      }
      const now = deps.clock.now();
      if (row.expires_at.getTime() <= now.getTime()) {
        return { error: 'expired_token', description: 'The device code has expired; start again.' };
      }
      if (row.status === 'denied') {
        return { error: 'access_denied', description: 'The user denied the request.' };
      }
      if (row.status === 'pending') {
        const tooSoon =
          row.last_polled_at !== null &&
          now.getTime() - row.last_polled_at.getTime() < row.interval_seconds * 1000;
        const interval = tooSoon ? row.interval_seconds + SLOW_DOWN_STEP_S : row.interval_seconds;
        await deps.devices.recordPoll(row.id, now, interval, tx);
        return tooSoon
          ? { error: 'slow_down', description: `Poll at most every ${interval} seconds.` }
          : { error: 'authorization_pending', description: 'The user has not decided yet.' };
      }
      // The approved scopes, or fewer when the device asks; checked before the code is spent.
      const scopes = narrowScopes(row.scopes, params.scope);
      if (!scopes) {
        return { error: 'invalid_scope', description: 'The requested scope exceeds what was approved.' };
      }
      if (!row.user_id || !(await deps.devices.markRedeemed(row.id, now, tx))) {
        return { error: 'invalid_grant', description: 'The device code is invalid or already used.' };
      }
      const pair = await issueTokenPair(deps, tx, {
        userId: row.user_id,
        clientId: client.id,
        scopes,
        userAgent: context.userAgent,
      });
      await deps.audit.record(tx, context, {
        userId: row.user_id,
        action: 'oauth.device_code_exchanged',
        targetType: 'token_family',
        targetId: pair.familyId,
        metadata: { client_id: client.id, device_authorization_id: row.id, scopes: pair.scopes },
      });
      return { tokens: pair.response };
    });
    if ('error' in outcome) throw new OAuthError(outcome.error, outcome.description);
    return outcome.tokens;
  };
}
