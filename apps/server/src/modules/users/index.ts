import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { TokenService } from '../tokens/tokens.service.ts';
import { registryUserRoutes } from './users.routes.ts';
import { createRegistryUserService } from './users.service.ts';

/** What the registry-v1 users module is built from. */
export interface RegistryUsersModuleDeps {
  app: App;
  config: Config;
  accountService: AccountService;
  tokenService: TokenService;
  clock: Clock;
}

export async function registerRegistryUsers(deps: RegistryUsersModuleDeps) {
  const { app, config, accountService, tokenService, clock } = deps;
  const registryUsers = createRegistryUserService({ accountService, tokenService, config, clock });
  await app.register(registryUserRoutes, { registryUsers });
}
