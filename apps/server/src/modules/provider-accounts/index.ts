import type { AppDeps } from '../../app.ts';
import { createSecretCipher, type SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import { createOutboundGuard, originKey } from '../../platform/net/outbound-guard.ts';
import type { ProviderName } from '../../schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import {
  createProviderAccountRepository,
  type ProviderAccountRepository,
} from './provider-accounts.repository.ts';
import { providerAccountRoutes } from './provider-accounts.routes.ts';
import { createProviderAccountService } from './provider-accounts.service.ts';
import { bitbucketClient } from './providers/bitbucket.client.ts';
import { githubClient } from './providers/github.client.ts';
import { gitlabClient } from './providers/gitlab.client.ts';
import type { ProviderClient } from './providers/provider-client.ts';

export const PROVIDER_CLIENTS: Record<ProviderName, ProviderClient> = {
  github: githubClient,
  gitlab: gitlabClient,
  bitbucket: bitbucketClient,
};

/**
 * Refuses to start when a stored token is encrypted under a key the ring no longer holds:
 * better a clear start-up error naming the key than tokens that fail one by one at use.
 */
export async function assertKeyringCoversStoredTokens(
  accounts: ProviderAccountRepository,
  cipher: SecretCipher,
): Promise<Array<{ key_id: string; tokens: number }>> {
  const inUse = await accounts.countTokensByKeyId();
  const missing = inUse.filter((k) => !cipher.hasKey(k.key_id));
  if (missing.length > 0) {
    const list = missing
      .map((k) => `"${k.key_id}" (${k.tokens} token${k.tokens === 1 ? '' : 's'})`)
      .join(', ');
    throw new Error(
      `Provider tokens are encrypted with key id ${list}, which TESSERA_ENCRYPTION_KEYS does not hold. ` +
        'Add that key back to the ring (after the current one), then run `npm run keys:rotate --workspace @tessera/server` before retiring it.',
    );
  }
  return inUse;
}

export async function registerProviderAccounts(deps: AppDeps & { audit: AuditService }) {
  const { app, db, audit, clock, config } = deps;
  if (config.encryptionKeys.length === 0) {
    throw new Error('No encryption key is configured (TESSERA_ENCRYPTION_KEYS or TESSERA_ENCRYPTION_KEY).');
  }
  const cipher = createSecretCipher(config.encryptionKeys);
  const accounts = createProviderAccountRepository(db);
  const inUse = await assertKeyringCoversStoredTokens(accounts, cipher);
  const stale = inUse.filter((k) => k.key_id !== cipher.currentKeyId).reduce((n, k) => n + k.tokens, 0);
  if (stale > 0) {
    app.log.warn(
      { tokens: stale, currentKeyId: cipher.currentKeyId },
      'some provider tokens are still encrypted under an older key; run keys:rotate',
    );
  }
  // The operator's own provider URLs may be internal; a user's GitLab base_url may not (ADR 0016).
  const outbound = createOutboundGuard({
    allow: {
      ...config.providers.allowedPrivateHosts,
      origins: new Set(
        [config.providers.githubApiUrl, config.providers.gitlabUrl, config.providers.bitbucketApiUrl].map(
          originKey,
        ),
      ),
    },
    connectTimeoutMs: config.providers.timeoutMs,
  });
  app.addHook('onClose', () => outbound.close());
  const providerAccountService = createProviderAccountService({
    db,
    accounts,
    cipher,
    clients: PROVIDER_CLIENTS,
    audit,
    clock,
    config,
    log: app.log,
    outbound,
  });
  await app.register(providerAccountRoutes, { providerAccountService });
  return { providerAccountService };
}
