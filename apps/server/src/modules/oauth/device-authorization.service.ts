import { addMs, type Clock, DAY_MS } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { isUniqueViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { newId } from '../../platform/ids.ts';
import { OAuthError } from '../../platform/oauth-error.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { recordClientDecision } from './client-decision-audit.ts';
import { findClient, GRANT_DEVICE_CODE, type OAuthClient, requestedScopes } from './clients.ts';
import type { DeviceAuthorizationRepository } from './device-authorizations.repository.ts';
import { hashOneTimeSecret, newOneTimeSecret } from './one-time-secret.ts';
import { formatUserCode, generateUserCode, normalizeUserCode } from './user-code.ts';

/** RFC 8628 §3.2: how long the codes live and how often the device may poll. */
export const DEVICE_CODE_LIFETIME_S = 600;
export const DEVICE_POLL_INTERVAL_S = 5;
/** §3.5: every slow_down adds this much to the interval, for good. */
export const SLOW_DOWN_STEP_S = 5;
const USER_CODE_ATTEMPTS = 5;

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface PendingDeviceAuthorization {
  client: { id: string; name: string };
  scopes: string[];
  userCode: string;
}

export function createDeviceAuthorizationService(deps: {
  db: Db;
  devices: DeviceAuthorizationRepository;
  audit: AuditService;
  clock: Clock;
  /** `<PUBLIC_URL>/device`: the web page where the user enters the code. */
  verificationUri: string;
}) {
  const { db, devices, audit, clock, verificationUri } = deps;

  function clientView(clientId: string) {
    const client = findClient(clientId);
    return { id: clientId, name: client?.name ?? clientId };
  }

  return {
    /** §3.1–3.2: a device asks to be authorized; errors are RFC 6749 §5.2 errors. */
    async startDeviceAuthorization(
      client: OAuthClient,
      scope: string | undefined,
    ): Promise<DeviceAuthorizationResponse> {
      if (!client.grantTypes.includes(GRANT_DEVICE_CODE)) {
        throw new OAuthError(
          'unauthorized_client',
          'This client may not use the device authorization grant.',
        );
      }
      const scopes = requestedScopes(client, scope);
      if (!scopes) {
        throw new OAuthError(
          'invalid_scope',
          'The requested scope is unknown or not allowed for this client.',
        );
      }
      const now = clock.now();
      await devices.deleteDeviceAuthorizationsCreatedBefore(addMs(now, -DAY_MS));
      const deviceCode = newOneTimeSecret();
      for (let attempt = 1; ; attempt += 1) {
        const userCode = generateUserCode();
        try {
          await devices.insertDeviceAuthorization({
            id: newId('dev'),
            device_code_hash: hashOneTimeSecret(deviceCode),
            user_code: userCode,
            client_id: client.id,
            scopes,
            interval_seconds: DEVICE_POLL_INTERVAL_S,
            created_at: now,
            expires_at: addMs(now, DEVICE_CODE_LIFETIME_S * 1000),
          });
        } catch (error) {
          // A user code still held by a recent authorization: draw another.
          if (isUniqueViolation(error) && attempt < USER_CODE_ATTEMPTS) continue;
          throw error;
        }
        const shown = formatUserCode(userCode);
        return {
          device_code: deviceCode,
          user_code: shown,
          verification_uri: verificationUri,
          verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(shown)}`,
          expires_in: DEVICE_CODE_LIFETIME_S,
          interval: DEVICE_POLL_INTERVAL_S,
        };
      }
    },

    /** What the device page shows for a typed code; null when no pending authorization has it. */
    async findPendingByUserCode(typed: string): Promise<PendingDeviceAuthorization | null> {
      const userCode = normalizeUserCode(typed);
      if (!userCode) return null;
      const row = await devices.findPendingByUserCode(userCode, clock.now());
      if (!row) return null;
      return {
        client: clientView(row.client_id),
        scopes: row.scopes,
        userCode: formatUserCode(row.user_code),
      };
    },

    /** The signed-in user approves or denies; false when no pending authorization has the code. */
    async decide(typed: string, userId: string, approve: boolean, context: RequestContext): Promise<boolean> {
      const userCode = normalizeUserCode(typed);
      if (!userCode) return false;
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const row = await devices.decidePendingByUserCode(
          userCode,
          now,
          { status: approve ? 'approved' : 'denied', user_id: userId, decided_at: now },
          tx,
        );
        if (!row) return false;
        await recordClientDecision(audit, tx, context, 'device', { userId, approve, request: row });
        return true;
      });
    },
  };
}

export type DeviceAuthorizationService = ReturnType<typeof createDeviceAuthorizationService>;
