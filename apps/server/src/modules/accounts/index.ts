import type { AppDeps } from '../../app.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createAccountRepository } from './accounts.repository.ts';
import { accountRoutes } from './accounts.routes.ts';
import { createAccountService } from './accounts.service.ts';
import { configurePasswordHashing } from './password.ts';

export async function registerAccounts(deps: AppDeps & { audit: AuditService }) {
  const { app, db, database, credentials, audit, counters, clock, config } = deps;
  configurePasswordHashing(config.passwordHashing);
  const accountService = createAccountService({
    db,
    accounts: createAccountRepository(db, database.prepare),
    credentials,
    audit,
    counters,
    clock,
    config,
  });
  await app.register(accountRoutes, { accountService, config });
  return { accountService };
}
