import type { AppDeps } from '../../app.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createCredentialRepository } from '../credentials/credentials.repository.ts';
import type { RepoDirectory } from '../repos/repos.service.ts';
import { createTokenRepository } from './tokens.repository.ts';
import { tokenRoutes } from './tokens.routes.ts';
import { createTokenService } from './tokens.service.ts';

export async function registerTokens(
  deps: AppDeps & { audit: AuditService; repoDirectory: Pick<RepoDirectory, 'unknownRepoIds'> },
) {
  const { app, db, credentials, audit, clock, config, repoDirectory } = deps;
  const tokenService = createTokenService({
    db,
    tokens: createTokenRepository(db),
    credentials,
    audit,
    clock,
    config,
    repoDirectory,
  });
  await app.register(tokenRoutes, {
    tokenService,
    credentials,
    findCredentialById: createCredentialRepository(db).findCredentialById,
  });
  return { tokenService };
}
