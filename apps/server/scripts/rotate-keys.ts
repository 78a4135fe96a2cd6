/**
 * Re-encrypts every stored provider token and webhook signing secret under the first key of the ring.
 *
 *   TESSERA_ENCRYPTION_KEYS="k2:<new>,k1:<old>" npm run keys:rotate --workspace @tessera/server
 *
 * Safe to stop (Ctrl-C finishes the current batch) and to run again. When it reports
 * `remaining: 0`, the old key can be removed from the ring. With the embedded store, stop the
 * server first: the data folder can be open in one process only.
 */
import { parseArgs } from 'node:util';
import { createAuditRepository } from '../src/modules/audit/audit.repository.ts';
import { createAuditService } from '../src/modules/audit/audit.service.ts';
import { reencryptWebhookSecrets } from '../src/modules/notices/webhook-key-rotation.ts';
import { createWebhookRepository } from '../src/modules/notices/webhooks.repository.ts';
import { reencryptProviderTokens } from '../src/modules/provider-accounts/key-rotation.ts';
import { createProviderAccountRepository } from '../src/modules/provider-accounts/provider-accounts.repository.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createSecretCipher } from '../src/platform/crypto/secret-cipher.ts';
import { openDatabase } from '../src/platform/database/database.ts';
import { loadScriptConfig, runScript } from './operator-script.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '100' } } });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error('--batch-size must be a whole number between 1 and 10000');
    return 2;
  }
  const config = loadScriptConfig();
  if (!config) return 2;

  const cipher = createSecretCipher(config.encryptionKeys);
  const database = await openDatabase(config);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('stopping after the current batch…');
    controller.abort();
  });
  try {
    const accounts = createProviderAccountRepository(database.db);
    const before = await accounts.countTokensByKeyId();
    console.log(
      `current key: ${cipher.currentKeyId}; tokens by key: ${before.map((k) => `${k.key_id}=${k.tokens}`).join(', ') || 'none'}`,
    );
    // Webhook secrets first: the provider run records the audit event for both.
    const webhooks = await reencryptWebhookSecrets({
      db: database.db,
      webhooks: createWebhookRepository(database.db),
      cipher,
      batchSize,
      signal: controller.signal,
    });
    const report = await reencryptProviderTokens({
      db: database.db,
      accounts,
      cipher,
      audit: createAuditService({ audit: createAuditRepository(database.db), clock: systemClock }),
      batchSize,
      signal: controller.signal,
      onBatch: (progress) => console.log(`… ${progress.reencrypted} re-encrypted so far`),
      auditMetadata: {
        webhook_secrets: {
          reencrypted: webhooks.reencrypted,
          failed: webhooks.failed.length,
          remaining: webhooks.remaining,
        },
        ...(webhooks.failed.length > 0 || webhooks.stopped ? { outcome: 'failure' } : {}),
      },
    });
    console.log(
      JSON.stringify({
        current_key_id: cipher.currentKeyId,
        scanned: report.scanned,
        reencrypted: report.reencrypted,
        skipped: report.skipped,
        failed: report.failed.length,
        remaining: report.remaining,
        stopped: report.stopped || webhooks.stopped,
        webhook_secrets: {
          scanned: webhooks.scanned,
          reencrypted: webhooks.reencrypted,
          skipped: webhooks.skipped,
          failed: webhooks.failed.length,
          remaining: webhooks.remaining,
        },
      }),
    );
    for (const failure of report.failed) {
      console.error(
        `could not decrypt provider account ${failure.id} (key id ${failure.keyId ?? 'unknown'})`,
      );
    }
    for (const failure of webhooks.failed) {
      console.error(
        `could not decrypt the secret of webhook endpoint ${failure.id} (key id ${failure.keyId ?? 'unknown'})`,
      );
    }
    if (report.remaining === 0 && webhooks.remaining === 0)
      console.log(
        'Every provider token and webhook secret is under the current key; older keys can be retired.',
      );
    return report.failed.length > 0 || webhooks.failed.length > 0 || report.stopped || webhooks.stopped
      ? 1
      : 0;
  } finally {
    await database.close();
  }
}

runScript(main);
