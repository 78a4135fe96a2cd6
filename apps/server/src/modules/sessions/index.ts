import type { AccountService } from '../accounts/accounts.service.ts';
import type { CredentialFeatureDeps } from '../credentials/credential-feature-deps.ts';
import type { OpenGrantService } from '../oauth/open-grants.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { createSessionService } from './sessions.service.ts';

/** What the sessions module is built from. */
export interface SessionsModuleDeps extends CredentialFeatureDeps {
  accountService: AccountService;
  openGrants: OpenGrantService;
}

export async function registerSessions(deps: SessionsModuleDeps) {
  const { app, db, credentials, audit, clock, config, accountService, openGrants } = deps;
  const sessionService = createSessionService({
    db,
    credentials,
    accounts: accountService,
    audit,
    clock,
    openGrants,
  });
  await app.register(sessionRoutes, { sessionService, config });
  return { sessionService };
}
