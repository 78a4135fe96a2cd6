/**
 * Every kind of notice: a closed list, published as an enum in the OpenAPI document (event
 * filters, preferences, the web UI's labels). Append only: stored notices and webhook consumers
 * keep a kind's name forever.
 */
export const NOTICE_KINDS = [
  /** A PAT was created. */
  'token.created',
  /** A PAT got a new secret. */
  'token.rotated',
  /** A PAT was revoked; `data.by` says how (owner, revoke_all, leak_report, admin, revoke_by_value). */
  'token.revoked',
  /** A PAT expires within a threshold (`data.threshold_days`); the expiry scan sends it once per threshold. */
  'token.expiring',
  /** A PAT expired (once per expiry). */
  'token.expired',
  /** Someone presented an expired PAT or automation token. */
  'token.expired_used',
  /** A PAT was found in public (secret-scanning report) and revoked. */
  'token.leaked',
  /** A secret that a rotation replaced was presented again. */
  'token.rotated_secret_used',
  /** A PAT was used from a network it had not been used from before. */
  'token.new_network',
  /** An automation token was issued for a task group. */
  'automation_token.issued',
  /** An automation token was revoked (task group closed, repository disconnected, by the owner). */
  'automation_token.revoked',
  /** A provider (GitHub, GitLab, Bitbucket) refused a stored token. */
  'provider_token.rejected',
  /** A stored provider token expires within a threshold, per the expiry the provider reports. */
  'provider_token.expiring',
  /** The account password was changed. */
  'password.changed',
  /** Someone signed in from a device (browser or client) not seen on this account before. */
  'sign_in.new_device',
  /** A test event sent to one webhook endpoint on request; never shown in-app. */
  'webhook.test',
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The kinds a user can choose channels for (the test event goes to the endpoint it was sent to). */
export const CONFIGURABLE_NOTICE_KINDS = NOTICE_KINDS.filter((kind) => kind !== 'webhook.test');

export function isNoticeKind(value: string): value is NoticeKind {
  return (NOTICE_KINDS as readonly string[]).includes(value);
}

/** What a notice is about. */
export const NOTICE_SUBJECT_TYPES = [
  'personal_access_token',
  'automation_token',
  'provider_account',
  'session',
  'user',
  'webhook_endpoint',
] as const;

export type NoticeSubjectType = (typeof NOTICE_SUBJECT_TYPES)[number];

/** How a PAT came to be revoked (`data.by` of `token.revoked`). */
export type RevokedBy =
  | 'owner'
  | 'revoke_all'
  | 'leak_report'
  | 'admin'
  | 'revoke_by_value'
  | 'account_deleted';
