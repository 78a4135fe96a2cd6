import { keyIdOf, type SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ProviderAccountRepository } from './provider-accounts.repository.ts';
import { tokenAad } from './provider-accounts.service.ts';

export interface RotationReport {
  /** Rows looked at (every row not under the current key when the run reached it). */
  scanned: number;
  reencrypted: number;
  /** Rows that changed under us (a token replaced meanwhile): already under the current key. */
  skipped: number;
  /** Rows that could not be decrypted with any key of the ring; they keep their old ciphertext. */
  failed: Array<{ id: string; keyId: string | null }>;
  /** Rows still not under the current key when the run ended (0 after a complete run without failures). */
  remaining: number;
  stopped: boolean;
}

/**
 * Re-encrypts every stored provider token under the ring's current key, a batch per
 * transaction. It can be stopped at any point and run again: each run only touches rows not yet
 * under the current key, and a row is swapped only if its ciphertext is still the one read.
 */
export async function reencryptProviderTokens(deps: {
  db: Db;
  accounts: ProviderAccountRepository;
  cipher: SecretCipher;
  audit?: AuditService;
  batchSize?: number;
  signal?: AbortSignal;
  onBatch?: (report: RotationReport) => void;
  /** Recorded with the audit event too (the script adds what it re-encrypted elsewhere). */
  auditMetadata?: Record<string, unknown>;
}): Promise<RotationReport> {
  const { db, accounts, cipher, audit, signal } = deps;
  const batchSize = deps.batchSize ?? 100;
  const report: RotationReport = {
    scanned: 0,
    reencrypted: 0,
    skipped: 0,
    failed: [],
    remaining: 0,
    stopped: false,
  };
  let afterId: string | null = null;

  for (;;) {
    if (signal?.aborted) {
      report.stopped = true;
      break;
    }
    const batch = await accounts.listTokensNotUnderKey(cipher.currentKeyId, afterId, batchSize);
    if (batch.length === 0) break;
    afterId = batch.at(-1)!.id;
    await inTransaction(db, async (tx) => {
      for (const row of batch) {
        report.scanned += 1;
        let plaintext: string;
        try {
          plaintext = cipher.decrypt(row.token_ciphertext, tokenAad(row));
        } catch {
          report.failed.push({ id: row.id, keyId: keyIdOf(row.token_ciphertext) });
          continue;
        }
        const swapped = await accounts.replaceCiphertext(
          row.id,
          row.token_ciphertext,
          cipher.encrypt(plaintext, tokenAad(row)),
          tx,
        );
        if (swapped) report.reencrypted += 1;
        else report.skipped += 1;
      }
    });
    deps.onBatch?.({ ...report });
  }

  const byKey = await accounts.countTokensByKeyId();
  report.remaining = byKey.filter((k) => k.key_id !== cipher.currentKeyId).reduce((n, k) => n + k.tokens, 0);
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
