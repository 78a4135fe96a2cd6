import type { Db } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { AUDIT_TARGET_TYPE_OF_CREDENTIAL } from '../audit/audit-target-types.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { parseToken } from '../credentials/token-format.ts';

/** RFC 7009 token revocation (`POST /api/oauth/revoke`). */
export function createTokenRevocationService(deps: {
  db: Db;
  credentials: Pick<CredentialService, 'findByToken' | 'revokeCredentials'>;
  audit: Pick<AuditService, 'record'>;
}) {
  const { db, credentials, audit } = deps;
  return {
    /**
     * Revokes a live access or refresh token, audited for its owner. Anything else (another
     * kind, unknown, already revoked) is left alone: the endpoint answers the same either way.
     */
    async revokeToken(token: string, context: RequestContext): Promise<void> {
      const prefix = parseToken(token);
      if (prefix !== 'acc' && prefix !== 'ref') return;
      const row = await credentials.findByToken(token, prefix === 'acc' ? 'access' : 'refresh');
      if (!row || row.revoked_at) return;
      await inTransaction(db, async (tx) => {
        // Revoking a refresh token ends its whole family, as RFC 7009 §2.1 suggests.
        const filter =
          row.kind === 'refresh' && row.family_id
            ? { userId: row.user_id, familyId: row.family_id }
            : { ids: [row.id] };
        await credentials.revokeCredentials(tx, filter, 'oauth_revoke');
        await audit.record(tx, context, {
          userId: row.user_id,
          action: 'auth.token_revoked',
          targetType: AUDIT_TARGET_TYPE_OF_CREDENTIAL[row.kind],
          targetId: row.id,
        });
      });
    },
  };
}

export type TokenRevocationService = ReturnType<typeof createTokenRevocationService>;
