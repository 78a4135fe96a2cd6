import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { CredentialKind } from '../../schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { AUDIT_TARGET_TYPE_OF_CREDENTIAL } from '../audit/audit-target-types.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { hashToken, parseToken } from '../credentials/token-format.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';

export interface LeakReport {
  token: string;
  type: string;
  url?: string;
  source?: string;
}

export interface LeakLabel {
  token_raw: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

/**
 * Tells the owner of a leaked credential, in the transaction that revoked it: `token.leaked` with
 * where it was found (`leak`), and for a PAT or an automation token that it was revoked (`by`).
 */
async function noticeLeak(
  tx: Tx,
  row: { id: string; user_id: string; kind: CredentialKind; name: string | null; preview: string },
  leak: Record<string, unknown>,
  by: 'revoke_by_value' | 'leak_report',
  at: Date,
) {
  const subject = {
    type:
      row.kind === 'automation'
        ? 'automation_token'
        : row.kind === 'personal'
          ? 'personal_access_token'
          : 'session',
    id: row.id,
    name: row.name,
    preview: row.preview,
  } as const;
  await enqueueNotice(tx, { userId: row.user_id, kind: 'token.leaked', subject, data: leak, at });
  if (row.kind === 'personal' || row.kind === 'automation') {
    await enqueueNotice(tx, {
      userId: row.user_id,
      kind: row.kind === 'automation' ? 'automation_token.revoked' : 'token.revoked',
      subject,
      data: { by },
      at,
    });
  }
}

/**
 * Answers GitHub's secret-scanning alerts: every reported string that is one of our live tokens
 * is revoked (its owner's audit log says where it leaked); the answer labels each report.
 * Repeating a report is harmless: an already revoked token is still a true positive.
 */
export function createSecretScanningService(deps: {
  db: Db;
  credentials: Pick<
    CredentialService,
    'revokeCredentials' | 'findCredentialsByHashes' | 'findLiveCredentialsBySecretHashes'
  >;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
}) {
  return {
    /**
     * Revoke by value, for anyone who finds a token (ADR 0011, amended): every live credential
     * among the strings is revoked, one audit event each for its owner with the reporter's
     * address (`token.reported_revoked`, which is also what tells the owner). The caller answers
     * the same whatever happened here; the count is for tests and logs only.
     */
    async revokeByValue(values: string[], context: RequestContext): Promise<number> {
      const hashes = [...new Set(values.filter((value) => parseToken(value) !== null).map(hashToken))];
      const live = await deps.credentials.findLiveCredentialsBySecretHashes(hashes, deps.clock.now());
      if (live.length === 0) return 0;
      return inTransaction(deps.db, async (tx) => {
        const revoked = await deps.credentials.revokeCredentials(
          tx,
          { ids: live.map((row) => row.id) },
          'reported_by_value',
        );
        const revokedIds = new Set(revoked.map((row) => row.id));
        for (const row of live.filter((r) => revokedIds.has(r.id))) {
          await deps.audit.record(tx, context, {
            userId: row.user_id,
            action: 'token.reported_revoked',
            targetType: AUDIT_TARGET_TYPE_OF_CREDENTIAL[row.kind],
            targetId: row.id,
            metadata: { name: row.name, kind: row.kind, reporter: 'revoke_by_value' },
          });
          // The owner is told through the notices outbox (issue #15), in the same transaction.
          await noticeLeak(
            tx,
            row,
            { reporter: 'revoke_by_value', ip: context.ip },
            'revoke_by_value',
            deps.clock.now(),
          );
        }
        return revoked.length;
      });
    },

    async handleLeaks(reports: LeakReport[], context: RequestContext): Promise<LeakLabel[]> {
      // Strings that are not well-formed tokens with a valid checksum cannot be ours.
      const candidates = reports.filter((r) => parseToken(r.token) !== null);
      const hashes = [...new Set(candidates.map((r) => hashToken(r.token)))];
      const rows = await deps.credentials.findCredentialsByHashes(hashes);
      const byHash = new Map(rows.map((row) => [row.token_hash, row]));

      const live = rows.filter((row) => row.revoked_at === null);
      if (live.length > 0) {
        await inTransaction(deps.db, async (tx) => {
          await deps.credentials.revokeCredentials(tx, { ids: live.map((row) => row.id) }, 'leaked');
          for (const row of live) {
            const report = candidates.find((r) => hashToken(r.token) === row.token_hash);
            await deps.audit.record(tx, context, {
              userId: row.user_id,
              action: 'token.leaked_revoked',
              targetType: AUDIT_TARGET_TYPE_OF_CREDENTIAL[row.kind],
              targetId: row.id,
              metadata: {
                name: row.name,
                source: report?.source ?? null,
                url: report?.url ?? null,
                reporter: 'github',
              },
            });
            await noticeLeak(
              tx,
              row,
              { source: report?.source ?? null, url: report?.url ?? null, reporter: 'github' },
              'leak_report',
              deps.clock.now(),
            );
          }
        });
      }
      return reports.map((report) => ({
        token_raw: report.token,
        token_type: report.type,
        label:
          parseToken(report.token) !== null && byHash.has(hashToken(report.token))
            ? 'true_positive'
            : 'false_positive',
      }));
    },
  };
}

export type SecretScanningService = ReturnType<typeof createSecretScanningService>;
