import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from './credentials.service.ts';

/**
 * What every feature that issues, lists or revokes credentials through the credential service is
 * built from (accounts, oauth, sessions, tokens, secret-scanning); each module's deps add their own.
 */
export interface CredentialFeatureDeps {
  app: App;
  db: Db;
  credentials: CredentialService;
  audit: AuditService;
  clock: Clock;
  config: Config;
}
