import type { Tx } from '../../platform/database/transaction.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';

/** How each flow audits a user's answer to a client: the target, and the action per answer. */
const DECISIONS = {
  consent: {
    targetType: 'oauth_authorization',
    approved: 'oauth.consent_granted',
    denied: 'oauth.consent_denied',
  },
  device: {
    targetType: 'oauth_device_authorization',
    approved: 'oauth.device_approved',
    denied: 'oauth.device_denied',
  },
} as const;

/**
 * Records a user's answer to a client's request (the consent screen, the device page) in the
 * transaction that stores it: the request, the client and the scopes it asked for.
 */
export function recordClientDecision(
  audit: Pick<AuditService, 'record'>,
  tx: Tx,
  context: RequestContext,
  flow: keyof typeof DECISIONS,
  decision: {
    userId: string;
    approve: boolean;
    request: { id: string; client_id: string; scopes: string[] };
  },
) {
  const { targetType, approved, denied } = DECISIONS[flow];
  const { userId, approve, request } = decision;
  return audit.record(tx, context, {
    userId,
    action: approve ? approved : denied,
    targetType,
    targetId: request.id,
    metadata: { client_id: request.client_id, scopes: request.scopes },
  });
}
