import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/database/database.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { createCredentialRepository } from '../credentials/credentials.repository.ts';
import { createCredentialService } from '../credentials/credentials.service.ts';
import { createTokenRepository } from './tokens.repository.ts';
import { createTokenService } from './tokens.service.ts';

/**
 * The operator's revocation of one PAT, outside any running server (`npm run admin:revoke`,
 * ADR 0036). Builds just what it needs on an open store: the revocation is published on the
 * revocation feed, so every running instance drops the token when this commits.
 */
export async function revokeTokenAsOperator(
  deps: { database: Pick<Database, 'db' | 'listen' | 'prepare'>; config: Config; clock: Clock },
  input: { tokenId: string; operator: string; reason: string | null },
) {
  const { database, config, clock } = deps;
  const audit = createAuditService({ audit: createAuditRepository(database.db), clock });
  // Not started (no LISTEN, no timers): used only to revoke and to notify running instances.
  const credentials = createCredentialService({
    credentials: createCredentialRepository(database.db, database.prepare),
    database,
    config,
    clock,
  });
  const tokens = createTokenService({
    db: database.db,
    tokens: createTokenRepository(database.db),
    credentials,
    audit,
    clock,
    config,
    repoDirectory: { unknownRepoIds: async () => [] },
  });
  return tokens.revokeTokenAsOperator(
    input.tokenId,
    { operator: input.operator, reason: input.reason },
    {
      ip: '',
      userAgent: 'tessera admin:revoke',
      requestId: '',
      actorCredentialId: null,
      actorKind: 'operator',
    },
  );
}
