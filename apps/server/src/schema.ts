import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it. Each feature owns its tables; this file only gathers them.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  created_at: Timestamp;
}

export type CredentialKind = 'session' | 'access' | 'refresh' | 'personal' | 'automation';

export interface CredentialsTable {
  id: string;
  user_id: string;
  kind: CredentialKind;
  token_hash: string;
  preview: string;
  name: string | null;
  description: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  client_id: string | null;
  family_id: string | null;
  task_group_id: string | null;
  rotated_from_id: string | null;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  /** PATs: when the current secret was issued by a rotation; its lifetime counts from here (ADR 0014). */
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  last_used_at: NullableTimestamp;
  last_used_ip: string | null;
  /** Sessions, access and refresh tokens: the User-Agent that signed in (≤ 512 characters). */
  user_agent: string | null;
  /** PATs: the hash of the secret the last rotation replaced (ADR 0029). */
  previous_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** Until when the replaced secret still verifies (the overlap); after it, using it is a replay. */
  previous_valid_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** What presenting a rotated-out secret does besides being recorded: `notify` or `revoke`. */
  on_rotated_out_use: ColumnType<RotatedOutUse, RotatedOutUse | undefined, RotatedOutUse>;
  /** PATs: may rotate themselves through `POST /api/tokens/self/rotate` (ADR 0030). */
  allow_self_rotation: ColumnType<boolean, boolean | undefined, boolean>;
  /** PATs: the repositories repos:* and tasks:* routes are limited to; null = every one (ADR 0031). */
  repo_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** PATs: the networks (CIDRs) the token may be used from; null = any (ADR 0031). */
  allowed_cidrs: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

/** Every secret a rotation replaced, for 30 days: presenting one is a rotated-out replay (ADR 0029). */
export interface CredentialRotatedOutSecretsTable {
  token_hash: string;
  credential_id: string;
  rotated_out_at: Timestamp;
}

/** The source networks a token was used from, at most 10 per token (ADR 0031). */
export interface CredentialNetworksTable {
  credential_id: string;
  network: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  last_ip: string | null;
  uses: number;
}

/** Which scopes a token exercised, per UTC day (least-privilege report, ADR 0031). */
export interface CredentialScopeUsageDailyTable {
  credential_id: string;
  day: ColumnType<string, string, string>;
  scope: string;
  uses: number;
}

export type RotatedOutUse = 'notify' | 'revoke';

export interface CredentialUsageDailyTable {
  credential_id: string;
  day: ColumnType<Date, string, string>;
  uses: number;
}

export interface AuditEventsTable {
  id: Generated<string>;
  user_id: string | null;
  actor_credential_id: string | null;
  actor_kind: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: ColumnType<string, string | undefined, string>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
}

export interface AgentsTable {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  category: string;
  framework: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  visibility: 'public' | 'private';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentFilesTable {
  id: string;
  agent_id: string;
  name: string;
  /** int8: the drivers hand it back as a string or bigint, so read it through Number(). */
  size: ColumnType<string | number | bigint, number, number>;
  sha256: string;
  created_at: Timestamp;
}

export type ProviderName = 'github' | 'gitlab' | 'bitbucket';
export type ProviderAccountStatus =
  | 'unchecked'
  | 'ok'
  | 'invalid_token'
  | 'token_expired'
  | 'insufficient_permissions'
  | 'unreachable';

export interface ProviderAccountsTable {
  id: string;
  user_id: string;
  provider: ProviderName;
  name: string;
  /** GitLab only: a self-hosted instance; null means the server's configured URL. */
  base_url: string | null;
  username: string | null;
  /** AES-256-GCM envelope `v1|keyId|iv|ct|tag`; never the token itself. */
  token_ciphertext: string;
  token_preview: string;
  status: ColumnType<ProviderAccountStatus, ProviderAccountStatus | undefined, ProviderAccountStatus>;
  login: string | null;
  scopes: string[] | null;
  token_expires_at: NullableTimestamp;
  last_checked_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ReposTable {
  id: string;
  user_id: string;
  provider_account_id: string;
  provider: ProviderName;
  full_name: string;
  private: boolean;
  default_branch: string | null;
  created_at: Timestamp;
}

export type TaskGroupStatus = 'open' | 'closed';

export interface TaskGroupsTable {
  id: string;
  repo_id: string;
  user_id: string;
  /** Null once the agent has been deleted from the registry. */
  agent_id: string | null;
  title: string;
  status: ColumnType<TaskGroupStatus, TaskGroupStatus | undefined, TaskGroupStatus>;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
}

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TasksTable {
  id: string;
  task_group_id: string;
  user_id: string;
  title: string;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  output: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  users: UsersTable;
  credentials: CredentialsTable;
  credential_usage_daily: CredentialUsageDailyTable;
  credential_networks: CredentialNetworksTable;
  credential_rotated_out_secrets: CredentialRotatedOutSecretsTable;
  credential_scope_usage_daily: CredentialScopeUsageDailyTable;
  audit_events: AuditEventsTable;
  agents: AgentsTable;
  agent_files: AgentFilesTable;
  provider_accounts: ProviderAccountsTable;
  repos: ReposTable;
  task_groups: TaskGroupsTable;
  tasks: TasksTable;
  oauth_authorization_requests: OAuthAuthorizationRequestsTable;
  oauth_device_authorizations: OAuthDeviceAuthorizationsTable;
  notice_events: NoticeEventsTable;
  notice_deliveries: NoticeDeliveriesTable;
  notice_delivery_attempts: NoticeDeliveryAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  notice_preferences: NoticePreferencesTable;
  notice_user_settings: NoticeUserSettingsTable;
}

/** The notices outbox; each row is also the user's in-app notice (ADR 0033). */
export interface NoticeEventsTable {
  id: string;
  user_id: string;
  kind: string;
  subject_type: string | null;
  subject_id: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Set for events that must happen once (the expiry scan: credential + threshold). */
  dedupe_key: string | null;
  created_at: Timestamp;
  read_at: NullableTimestamp;
  fanned_out_at: NullableTimestamp;
}

export type NoticeChannel = 'email' | 'webhook';
export type NoticeDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface NoticeDeliveriesTable {
  id: string;
  event_id: string;
  user_id: string;
  channel: NoticeChannel;
  endpoint_id: string | null;
  status: ColumnType<NoticeDeliveryStatus, NoticeDeliveryStatus | undefined, NoticeDeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  lease_owner: string | null;
  lease_until: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface NoticeDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  attempted_at: Timestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface WebhookEndpointsTable {
  id: string;
  user_id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  /** Event kinds it receives; empty means all. */
  kinds: ColumnType<string[], string[] | undefined, string[]>;
  /** The `whsec_…` signing secret as a secret-cipher envelope bound to (id, user_id). */
  secret_ciphertext: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NoticePreferencesTable {
  user_id: string;
  kind: string;
  in_app: boolean;
  email: boolean;
  webhook: boolean;
}

export interface NoticeUserSettingsTable {
  user_id: string;
  locale: ColumnType<'en-US' | 'zh-CN', 'en-US' | 'zh-CN' | undefined, 'en-US' | 'zh-CN'>;
}

/** Browser authorizations (code + PKCE): the pending request, then its single-use code (hashed). */
export interface OAuthAuthorizationRequestsTable {
  id: string;
  user_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  state: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  status: ColumnType<'pending' | 'approved' | 'denied', 'pending' | undefined, 'approved' | 'denied'>;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: NullableTimestamp;
  code_hash: string | null;
  code_expires_at: NullableTimestamp;
  redeemed_at: NullableTimestamp;
  family_id: string | null;
}

export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** RFC 8628 device authorizations: the device code hashed, the user code normalised. */
export interface OAuthDeviceAuthorizationsTable {
  id: string;
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  status: ColumnType<
    DeviceAuthorizationStatus,
    DeviceAuthorizationStatus | undefined,
    DeviceAuthorizationStatus
  >;
  user_id: string | null;
  interval_seconds: number;
  last_polled_at: NullableTimestamp;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: NullableTimestamp;
}
