import {
  type ReencryptionOptions,
  type ReencryptionReport,
  reencryptInBatches,
} from '../../platform/crypto/reencrypt-in-batches.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ProviderAccountRepository } from './provider-accounts.repository.ts';
import { tokenAad } from './provider-accounts.service.ts';

/** `skipped`: tokens replaced meanwhile, already under the current key. */
export type RotationReport = ReencryptionReport;

/**
 * Re-encrypts every stored provider token under the ring's current key, a batch per
 * transaction. It can be stopped at any point and run again: each run only touches rows not yet
 * under the current key, and a row is swapped only if its ciphertext is still the one read.
 */
export async function reencryptProviderTokens(
  deps: ReencryptionOptions & {
    accounts: Pick<ProviderAccountRepository, 'tokenColumn'>;
    audit?: AuditService;
    /** Recorded with the audit event too (the script adds what it re-encrypted elsewhere). */
    auditMetadata?: Record<string, unknown>;
  },
): Promise<RotationReport> {
  const { accounts, cipher, audit } = deps;
  const report = await reencryptInBatches({ ...deps, column: accounts.tokenColumn, aadOf: tokenAad });
  await audit?.record(undefined, null, {
    userId: null,
    action: 'encryption_keys.rotated',
    outcome:
      report.failed.length === 0 && !report.stopped && deps.auditMetadata?.outcome !== 'failure'
        ? 'success'
        : 'failure',
    metadata: {
      current_key_id: cipher.currentKeyId,
      reencrypted: report.reencrypted,
      failed: report.failed.length,
      remaining: report.remaining,
      stopped: report.stopped,
      ...deps.auditMetadata,
    },
  });
  return report;
}
