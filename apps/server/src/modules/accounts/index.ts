import type { CounterStore } from '../../platform/counter-store.ts';
import type { Database } from '../../platform/database/database.ts';
import type { CredentialFeatureDeps } from '../credentials/credential-feature-deps.ts';
import { createAccountRepository } from './accounts.repository.ts';
import { accountRoutes } from './accounts.routes.ts';
import { createAccountService } from './accounts.service.ts';
import { configurePasswordHashing } from './password.ts';

/** What the accounts module is built from. */
export interface AccountsModuleDeps extends CredentialFeatureDeps {
  database: Pick<Database, 'prepare'>;
  counters: CounterStore;
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
