import type { AccountService } from '../accounts/accounts.service.ts';
import type { CredentialFeatureDeps } from '../credentials/credential-feature-deps.ts';
import { authorizationRoutes } from './authorization.routes.ts';
import { createAuthorizationService } from './authorization.service.ts';
import { createAuthorizationRequestRepository } from './authorization-requests.repository.ts';
import {
  GRANT_AUTHORIZATION_CODE,
  GRANT_DEVICE_CODE,
  GRANT_PASSWORD,
  GRANT_REFRESH_TOKEN,
} from './clients.ts';
import { deviceRoutes } from './device.routes.ts';
import { createDeviceAuthorizationService } from './device-authorization.service.ts';
import { createDeviceAuthorizationRepository } from './device-authorizations.repository.ts';
import { authorizationCodeGrant } from './grants/authorization-code.grant.ts';
import { deviceCodeGrant } from './grants/device-code.grant.ts';
import type { GrantDeps, GrantHandler } from './grants/grant.ts';
import { passwordGrant } from './grants/password.grant.ts';
import { refreshTokenGrant } from './grants/refresh-token.grant.ts';
import { introspectionRoutes } from './introspection.ts';
import { oauthRoutes } from './oauth.routes.ts';
import { createOpenGrantService } from './open-grants.ts';
import { issuerFor, serverMetadataRoutes } from './server-metadata.ts';
import { createTokenRevocationService } from './token-revocation.service.ts';

/** What the OAuth module is built from. */
export interface OAuthModuleDeps extends CredentialFeatureDeps {
  accountService: AccountService;
}

export async function registerOAuth(deps: OAuthModuleDeps) {
  const { app, db, credentials, audit, clock, config, accountService } = deps;
  const issuer = issuerFor(config.publicUrl);
  const requests = createAuthorizationRequestRepository(db);
  const devices = createDeviceAuthorizationRepository(db);
  const grantDeps: GrantDeps = { db, credentials, accounts: accountService, audit, clock };
  const grants = new Map<string, GrantHandler>([
    [GRANT_PASSWORD, passwordGrant(grantDeps)],
    [GRANT_REFRESH_TOKEN, refreshTokenGrant(grantDeps)],
    [GRANT_AUTHORIZATION_CODE, authorizationCodeGrant({ ...grantDeps, requests })],
    [GRANT_DEVICE_CODE, deviceCodeGrant({ ...grantDeps, devices })],
  ]);
  const authorizations = createAuthorizationService({ db, requests, audit, clock, issuer });
  const deviceAuthorizations = createDeviceAuthorizationService({
    db,
    devices,
    audit,
    clock,
    verificationUri: `${issuer}/device`,
  });
  const revocation = createTokenRevocationService({ db, credentials, audit });
  await app.register(oauthRoutes, { grants, revocation, config });
  await app.register(authorizationRoutes, { authorizations, credentials, config });
  await app.register(deviceRoutes, { devices: deviceAuthorizations, config });
  await app.register(serverMetadataRoutes, { config });
  await app.register(introspectionRoutes, { credentials, config });
  return { grants, openGrants: createOpenGrantService({ requests, devices, clock }) };
}
