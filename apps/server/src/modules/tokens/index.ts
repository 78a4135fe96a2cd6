import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import type { RepoDirectory } from '../repos/repos.service.ts';
import { tokenRoutes } from './tokens.routes.ts';
import { createTokenService } from './tokens.service.ts';

/** What the tokens module is built from. */
export interface TokensModuleDeps {
  app: App;
  db: Db;
  credentials: CredentialService;
  audit: AuditService;
  clock: Clock;
  config: Config;
  repoDirectory: Pick<RepoDirectory, 'unknownRepoIds'>;
}

export async function registerTokens(deps: TokensModuleDeps) {
  const { app, db, credentials, audit, clock, config, repoDirectory } = deps;
  const tokenService = createTokenService({ db, credentials, audit, clock, config, repoDirectory });
  await app.register(tokenRoutes, { tokenService });
  return { tokenService };
}
