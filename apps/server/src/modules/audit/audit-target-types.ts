import type { CredentialKind } from '../../schema.ts';

/**
 * What an audit event can be about: a closed list, published as the `AuditTargetType` enum.
 * Append only, like the actions: stored events keep the name they were written with.
 */
export const AUDIT_TARGET_TYPES = [
  'access',
  'agent',
  'automation_token',
  'oauth_authorization',
  'oauth_device_authorization',
  'personal_access_token',
  'provider_account',
  'refresh',
  'repo',
  'session',
  'task_group',
  'token_family',
  'user',
  'webhook_endpoint',
] as const;

export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** The target type of an event about one credential, by its kind. */
export const AUDIT_TARGET_TYPE_OF_CREDENTIAL = {
  session: 'session',
  access: 'access',
  refresh: 'refresh',
  personal: 'personal_access_token',
  automation: 'automation_token',
} as const satisfies Record<CredentialKind, AuditTargetType>;

/**
 * Spellings older writers stored (ADR 0040): automation tokens of repositories and task groups as
 * `credential`, PATs reported leaked as `personal`. The log is append-only (migration 0008), so
 * they are read as their list name instead of being rewritten.
 */
const LEGACY_TARGET_TYPES: Readonly<Record<string, AuditTargetType>> = {
  credential: 'automation_token',
  personal: 'personal_access_token',
};

/** A stored target type as the list names it (null stays null: the event is about no object). */
export function readAuditTargetType(stored: string | null): AuditTargetType | null {
  if (stored === null) return null;
  return Object.hasOwn(LEGACY_TARGET_TYPES, stored)
    ? LEGACY_TARGET_TYPES[stored]!
    : (stored as AuditTargetType);
}
