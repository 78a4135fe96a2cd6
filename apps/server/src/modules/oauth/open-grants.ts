import type { Clock } from '../../platform/clock.ts';
import type { Tx } from '../../platform/database/transaction.ts';
import type { AuthorizationRequestRepository } from './authorization-requests.repository.ts';
import type { DeviceAuthorizationRepository } from './device-authorizations.repository.ts';

/**
 * Grants a user approved (or may still approve) that no token exists for yet: authorization
 * codes and approved device codes. When the user changes the password or signs out everywhere,
 * they are denied in the same transaction, so a code approved before cannot be redeemed after
 * (ADR 0013).
 */
export function createOpenGrantService(deps: {
  requests: Pick<AuthorizationRequestRepository, 'denyOpenRequestsForUser'>;
  devices: Pick<DeviceAuthorizationRepository, 'denyApprovedForUser'>;
  clock: Clock;
}) {
  return {
    async denyOpenGrants(tx: Tx, userId: string): Promise<number> {
      const codes = await deps.requests.denyOpenRequestsForUser(userId, deps.clock.now(), tx);
      const devices = await deps.devices.denyApprovedForUser(userId, tx);
      return codes + devices;
    },
  };
}

export type OpenGrantService = ReturnType<typeof createOpenGrantService>;
