import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import type { OpenGrantService } from '../oauth/open-grants.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { createSessionService } from './sessions.service.ts';

/** What the sessions module is built from. */
export interface SessionsModuleDeps {
  app: App;
  db: Db;
  credentials: CredentialService;
  audit: AuditService;
  clock: Clock;
  config: Config;
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
