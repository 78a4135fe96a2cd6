import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/database/database.ts';
import { OAuthError } from '../../../platform/oauth-error.ts';
import type { RequestContext } from '../../../platform/request-context.ts';
import type { AccountService } from '../../accounts/accounts.service.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import type { CredentialService } from '../../credentials/credentials.service.ts';
import type { OAuthClient } from '../clients.ts';
import type { TokenResponse } from '../token-pair.ts';

export interface GrantDeps {
  db: Db;
  credentials: CredentialService;
  accounts: Pick<AccountService, 'authenticatePassword'>;
  audit: AuditService;
  clock: Clock;
}

/** One grant type of the token endpoint: takes the (string) parameters, returns tokens or throws OAuthError. */
export type GrantHandler = (
  params: Record<string, string | undefined>,
  client: OAuthClient,
  context: RequestContext,
) => Promise<TokenResponse>;

/** RFC 6749 §5.2: a scope the grant does not hold (or no such scope at all). */
export const invalidScope = () =>
  new OAuthError('invalid_scope', 'The requested scope is unknown or exceeds what was granted.');
