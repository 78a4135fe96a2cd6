import type { Tx } from '../../platform/database/transaction.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { automationSubject } from '../notices/notice-subjects.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';

/** Why an automation token stopped working, as its audit event (`reason`) and notice (`by`) say it. */
export interface AutomationTokenRevocation {
  reason: 'repo_deleted' | 'revoked_by_user' | 'reissued' | 'task_group_closed';
  by: 'repo_disconnected' | 'owner' | 'reissued' | 'task_group_closed';
  /** The repository and task group it served, in both the audit event and the notice. */
  where: { repo_id?: string; task_group_id?: string };
  /** What only the notice adds (the repository's name once it is gone). */
  notice?: Record<string, unknown>;
  /** When, from the revoking service's clock. */
  at: Date;
}

/** Records one automation token's revocation in the revoking transaction: the audit event, then the owner's notice. */
export async function recordAutomationTokenRevoked(
  audit: AuditService,
  tx: Tx,
  context: RequestContext,
  userId: string,
  token: { id: string; name: string | null; preview: string },
  revocation: AutomationTokenRevocation,
): Promise<void> {
  await audit.record(tx, context, {
    userId,
    action: 'automation_token.revoked',
    targetType: 'automation_token',
    targetId: token.id,
    metadata: { reason: revocation.reason, ...revocation.where },
  });
  await enqueueNotice(tx, {
    userId,
    kind: 'automation_token.revoked',
    subject: automationSubject(token),
    data: { by: revocation.by, ...revocation.where, ...revocation.notice },
    at: revocation.at,
  });
}
