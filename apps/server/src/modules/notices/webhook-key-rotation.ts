import { type ReencryptionReport, reencryptInBatches } from '../../platform/crypto/reencrypt-in-batches.ts';
import type { SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import type { WebhookRepository } from './webhooks.repository.ts';
import { webhookSecretAad } from './webhooks.service.ts';

/** `skipped`: secrets rotated by their owner meanwhile, already under the current key. */
export type WebhookSecretRotationReport = ReencryptionReport;

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
  const { webhooks } = deps;
  return reencryptInBatches({
    ...deps,
    column: {
      listNotUnderKey: (keyId, afterId, limit) => webhooks.listSecretsNotUnderKey(keyId, afterId, limit),
      ciphertextOf: (row) => row.secret_ciphertext,
      aadOf: (row) => webhookSecretAad(row),
      replace: (row, expected, replacement, tx) =>
        webhooks.replaceSecretCiphertext(row.id, expected, replacement, tx),
      countNotUnderKey: async (keyId) =>
        (await webhooks.countSecretsByKeyId())
          .filter((k) => k.key_id !== keyId)
          .reduce((n, k) => n + k.secrets, 0),
    },
  });
}
