import type { AuditAction } from '../../../lib/api-types.ts';

/**
 * The server's closed list of audit actions at run time, for the filter. The type below fails
 * `tsc` when the server's enum (through @tessera/client) gains an action this list lacks.
 */
export const AUDIT_ACTIONS = [
  'account.deleted',
  'account.profile_updated',
  'agent.created',
  'agent.deleted',
  'agent.file_uploaded',
  'agent.updated',
  'auth.login',
  'auth.logout',
  'auth.refresh_family_revoked',
  'auth.signup',
  'auth.throttled',
  'auth.token_refreshed',
  'auth.token_revoked',
  'automation_token.created',
  'automation_token.revoked',
  'encryption_keys.rotated',
  'oauth.code_exchanged',
  'oauth.code_reuse_detected',
  'oauth.consent_denied',
  'oauth.consent_granted',
  'oauth.device_approved',
  'oauth.device_code_exchanged',
  'oauth.device_denied',
  'password.changed',
  'provider_account.added',
  'provider_account.removed',
  'provider_account.renamed',
  'provider_account.tested',
  'provider_account.token_refused',
  'provider_account.token_replaced',
  'provider_account.token_unreadable',
  'repo.connected',
  'repo.disconnected',
  'session.revoked',
  'session.revoked_others',
  'task_group.closed',
  'task_group.created',
  'token.created',
  'token.description_changed',
  'token.expired_used',
  'token.leaked_revoked',
  'token.renamed',
  'token.revoked',
  'token.revoked_all',
  'token.rotated',
  'token.scopes_reduced',
] as const satisfies readonly AuditAction[];

type Missing = Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>;
export const AUDIT_ACTIONS_COMPLETE: [Missing] extends [never] ? true : Missing = true;
