import type { AppDeps } from '../../app.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { TokenService } from '../tokens/tokens.service.ts';
import { registryUserRoutes } from './users.routes.ts';
import { createRegistryUserService } from './users.service.ts';

export async function registerRegistryUsers(
  deps: AppDeps & { accountService: AccountService; tokenService: TokenService },
) {
  const { app, config, accountService, tokenService } = deps;
  const registryUsers = createRegistryUserService({ accountService, tokenService, config });
  await app.register(registryUserRoutes, { registryUsers });
}
