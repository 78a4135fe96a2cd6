import type { CredentialFeatureDeps } from '../credentials/credential-feature-deps.ts';
import type { RepoDirectory } from '../repos/repos.service.ts';
import { tokenRoutes } from './tokens.routes.ts';
import { createTokenService } from './tokens.service.ts';

/** What the tokens module is built from. */
export interface TokensModuleDeps extends CredentialFeatureDeps {
  repoDirectory: Pick<RepoDirectory, 'unknownRepoIds'>;
}

export async function registerTokens(deps: TokensModuleDeps) {
  const { app, db, credentials, audit, clock, config, repoDirectory } = deps;
  const tokenService = createTokenService({ db, credentials, audit, clock, config, repoDirectory });
  await app.register(tokenRoutes, { tokenService });
  return { tokenService };
}
