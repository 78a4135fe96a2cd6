import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { createSecretCipher, type SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
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

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs the daily provider token re-check once (instances with NOTIFY_WORKER also run it hourly). */
    providerRecheck: () => Promise<number>;
  }
}

/** How often an instance looks for accounts whose last check is a day old. */
const RECHECK_POLL_MS = 60 * 60 * 1000;

/** What the provider-accounts module is built from. */
export interface ProviderAccountsModuleDeps {
  app: App;
  db: Db;
  audit: AuditService;
  clock: Clock;
  config: Config;
  onBackgroundError: (error: unknown) => void;
}

export async function registerProviderAccounts(deps: ProviderAccountsModuleDeps) {
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

  // The daily re-check (ADR 0036): every instance that runs background notice work looks hourly
  // for accounts last checked over a day ago; claiming them is exclusive, so each is tested once.
  const recheckController = new AbortController();
  const recheck = () => providerAccountService.recheckDueAccounts({ signal: recheckController.signal });
  app.decorate('providerRecheck', recheck);
  if (config.notices.worker) {
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setTimeout(function tick() {
        void recheck()
          .catch(deps.onBackgroundError)
          .finally(() => {
            if (recheckController.signal.aborted) return;
            timer = setTimeout(tick, RECHECK_POLL_MS);
            timer.unref();
          });
      }, 60_000);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      recheckController.abort();
      clearTimeout(timer);
    });
  }
  return { providerAccountService };
}
