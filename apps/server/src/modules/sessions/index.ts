import type { AppDeps } from '../../app.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { OpenGrantService } from '../oauth/open-grants.ts';
import { createSessionRepository } from './sessions.repository.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { createSessionService } from './sessions.service.ts';

export async function registerSessions(
  deps: AppDeps & { audit: AuditService; accountService: AccountService; openGrants: OpenGrantService },
) {
  const { app, db, credentials, audit, clock, config, accountService, openGrants } = deps;
  const sessionService = createSessionService({
    db,
    sessions: createSessionRepository(db),
    credentials,
    accounts: accountService,
    audit,
    clock,
    openGrants,
  });
  await app.register(sessionRoutes, { sessionService, config });
  return { sessionService };
}
