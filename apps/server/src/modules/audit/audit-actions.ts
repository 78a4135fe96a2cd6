/**
 * Every action the audit log records: a closed list, published as an enum in the OpenAPI
 * document so that clients (the web UI's labels, the CLI) are complete by type. Append only:
 * stored events keep their action forever, so a name is never renamed or removed.
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
  'token.network_refused',
  'token.networks_changed',
  'token.new_network',
  'token.renamed',
  'token.reported_revoked',
  'token.repositories_changed',
  'token.revoked',
  'token.revoked_all',
  'token.rotated',
  'token.rotated_out_used',
  'token.rotation_completed',
  'token.rotation_settings_changed',
  'token.scopes_reduced',
  'token.self_rotated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
