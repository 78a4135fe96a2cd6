/**
 * The API's shapes as the screens use them: aliases of the types @tessera/client generates
 * from the server's OpenAPI document. Nothing here is written by hand.
 */
import type {
  Agent,
  AgentFile,
  AgentPage,
  AuditAction,
  AuditEvent,
  AutomationTokenView,
  ChangePasswordRequest,
  CreateAgentRequest,
  CreateTokenRequest,
  Framework,
  Me,
  ProviderAccount,
  ProviderAccountTest,
  ProviderCheckRefusal as ProviderCheckRefusalBody,
  ReissuedAutomationToken,
  Repo,
  RequestBody,
  ResponseBody,
  Scope,
  SessionView,
  Task,
  TaskGroup,
  TokenPolicy,
  TokenView,
  TokenWithSecret,
  UpdateAgentRequest,
  UpdateTokenRequest,
  User,
} from '@tessera/client';

export type {
  Agent,
  AgentFile,
  AgentPage,
  AuditAction,
  AuditEvent,
  Framework,
  Me,
  ProviderAccount,
  ReissuedAutomationToken,
  Repo,
  Scope,
  SessionView,
  Task,
  TaskGroup,
  TokenPolicy,
  TokenView,
  TokenWithSecret,
  User,
};

export type TokenStatus = TokenView['status'];
export type CreateTokenBody = CreateTokenRequest;
export type UpdateTokenBody = UpdateTokenRequest;
export type AuditLogPage = ResponseBody<'/api/account/audit-log', 'get'>;
export type LogInBody = RequestBody<'/api/auth/login', 'post'>;
export type SignUpBody = RequestBody<'/api/auth/signup', 'post'>;
export type ChangePasswordBody = ChangePasswordRequest;

export type Provider = ProviderAccount['provider'];
export type ProviderAccountStatus = ProviderAccount['status'];
export type CreateProviderAccountBody = RequestBody<'/api/provider-accounts', 'post'>;
export type UpdateProviderAccountBody = RequestBody<'/api/provider-accounts/{id}', 'patch'>;
export type ProviderTestResult = ProviderAccountTest;
export type ProviderCheckRefusal = ProviderCheckRefusalBody;
export type ProviderRepository = ResponseBody<
  '/api/provider-accounts/{id}/repositories',
  'get'
>['repositories'][number];

export type AgentBody = CreateAgentRequest;
export type AgentUpdateBody = UpdateAgentRequest;
export type AgentCategory = CreateAgentRequest['category'];
export type AgentVisibility = CreateAgentRequest['visibility'];

export type DeviceLookup = ResponseBody<'/api/oauth/device/lookup', 'post'>;
export type AuthorizationRequest = ResponseBody<'/api/oauth/requests/{id}', 'get'>;

export type ConnectRepoBody = RequestBody<'/api/repos', 'post'>;
export type AutomationToken = AutomationTokenView;

export type TokenNetwork = ResponseBody<'/api/account/tokens/{id}/networks', 'get'>['networks'][number];
export type TokenUsage = ResponseBody<'/api/account/tokens/{id}/usage', 'get'>;
export type RotatedOutUse = TokenView['on_rotated_out_use'];
