import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { createGitHubKeyring } from './github-public-keys.ts';
import { revokeByValueRoutes } from './revoke-by-value.routes.ts';
import { secretScanningRoutes } from './secret-scanning.routes.ts';
import { createSecretScanningService } from './secret-scanning.service.ts';

/** What the secret-scanning module is built from. */
export interface SecretScanningModuleDeps {
  app: App;
  db: Db;
  credentials: CredentialService;
  audit: AuditService;
  clock: Clock;
  config: Config;
}

export async function registerSecretScanning(deps: SecretScanningModuleDeps) {
  const { app, db, credentials, audit, config, clock } = deps;
  const service = createSecretScanningService({ db, credentials, audit, clock });
  const keyring = createGitHubKeyring({
    url: config.secretScanning.githubKeysUrl,
    timeoutMs: config.providers.timeoutMs,
    minRefreshIntervalMs: config.secretScanning.keysMinRefreshMs,
    token: config.secretScanning.keysToken,
    now: () => clock.now(),
    log: app.log,
  });
  await app.register(secretScanningRoutes, { service, keyring, perMinute: config.secretScanning.perMinute });
  await app.register(revokeByValueRoutes, {
    service,
    perMinute: config.rateLimits.credentialRevokePerMinute,
  });
}
