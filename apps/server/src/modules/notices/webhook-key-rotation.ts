import { keyIdOf, type SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import type { WebhookRepository } from './webhooks.repository.ts';
import { webhookSecretAad } from './webhooks.service.ts';

export interface WebhookSecretRotationReport {
  scanned: number;
  reencrypted: number;
  /** Secrets rotated by their owner meanwhile: already under the current key. */
  skipped: number;
  failed: Array<{ id: string; keyId: string | null }>;
  /** Secrets still not under the current key when the run ended. */
  remaining: number;
  stopped: boolean;
}

/**
 * Re-encrypts every webhook endpoint's signing secret under the ring's current key, as
 * `keys:rotate` does for provider tokens: a batch per transaction, each row swapped only if its
 * ciphertext is still the one read, so it can be stopped and run again at any point. The secret
 * itself does not change: receivers keep verifying with what they hold.
 */
export async function reencryptWebhookSecrets(deps: {
  db: Db;
  webhooks: Pick<
    WebhookRepository,
    'listSecretsNotUnderKey' | 'replaceSecretCiphertext' | 'countSecretsByKeyId'
  >;
  cipher: SecretCipher;
  batchSize?: number;
  signal?: AbortSignal;
}): Promise<WebhookSecretRotationReport> {
  const { db, webhooks, cipher, signal } = deps;
  const batchSize = deps.batchSize ?? 100;
  const report: WebhookSecretRotationReport = {
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
    const batch = await webhooks.listSecretsNotUnderKey(cipher.currentKeyId, afterId, batchSize);
    if (batch.length === 0) break;
    afterId = batch.at(-1)!.id;
    await inTransaction(db, async (tx) => {
      for (const row of batch) {
        report.scanned += 1;
        let secret: string;
        try {
          secret = cipher.decrypt(row.secret_ciphertext, webhookSecretAad(row));
        } catch {
          report.failed.push({ id: row.id, keyId: keyIdOf(row.secret_ciphertext) });
          continue;
        }
        const swapped = await webhooks.replaceSecretCiphertext(
          row.id,
          row.secret_ciphertext,
          cipher.encrypt(secret, webhookSecretAad(row)),
          tx,
        );
        if (swapped) report.reencrypted += 1;
        else report.skipped += 1;
      }
    });
  }
  const byKey = await webhooks.countSecretsByKeyId();
  report.remaining = byKey.filter((k) => k.key_id !== cipher.currentKeyId).reduce((n, k) => n + k.secrets, 0);
  return report;
}
