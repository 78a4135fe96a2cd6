import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { CounterStore } from '../../platform/counter-store.ts';
import type { Database, Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { createAccountRepository } from './accounts.repository.ts';
import { accountRoutes } from './accounts.routes.ts';
import { createAccountService } from './accounts.service.ts';
import { configurePasswordHashing } from './password.ts';

/** What the accounts module is built from. */
export interface AccountsModuleDeps {
  app: App;
  db: Db;
  database: Pick<Database, 'prepare'>;
  credentials: CredentialService;
  audit: AuditService;
  counters: CounterStore;
  clock: Clock;
  config: Config;
}

export async function registerAccounts(deps: AccountsModuleDeps) {
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
