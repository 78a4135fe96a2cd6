import type { CredentialFeatureDeps } from '../credentials/credential-feature-deps.ts';
import { createGitHubKeyring } from './github-public-keys.ts';
import { revokeByValueRoutes } from './revoke-by-value.routes.ts';
import { secretScanningRoutes } from './secret-scanning.routes.ts';
import { createSecretScanningService } from './secret-scanning.service.ts';

/** What the secret-scanning module is built from. */
export type SecretScanningModuleDeps = CredentialFeatureDeps;

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
