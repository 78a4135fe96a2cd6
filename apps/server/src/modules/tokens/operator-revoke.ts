import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/database/database.ts';
import { createAuditServiceOn } from '../audit/audit.service.ts';
import { createCredentialServiceOn } from '../credentials/credentials.service.ts';
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
  const tokens = createTokenService({
    db: database.db,
    credentials: createCredentialServiceOn(database, { config, clock }),
    audit: createAuditServiceOn(database.db, clock),
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
