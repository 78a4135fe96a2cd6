import {
  type ReencryptionOptions,
  type ReencryptionReport,
  reencryptInBatches,
} from '../../platform/crypto/reencrypt-in-batches.ts';
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
export async function reencryptWebhookSecrets(
  deps: ReencryptionOptions & { webhooks: Pick<WebhookRepository, 'secretColumn'> },
): Promise<WebhookSecretRotationReport> {
  return reencryptInBatches({ ...deps, column: deps.webhooks.secretColumn, aadOf: webhookSecretAad });
}
