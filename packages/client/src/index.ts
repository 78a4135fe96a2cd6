/**
 * @tessera/client: the typed client of the Tessera API, generated from the server's OpenAPI
 * document (`openapi.json` at the repository root → `src/generated/schema.d.ts`).
 * Shipped as TypeScript source: Vite, tsx and tsc consume it directly.
 */
import type { components, operations, paths } from './generated/schema.d.ts';

export {
  createTesseraClient,
  type TesseraClient,
  type TesseraClientOptions,
  type TokenSource,
} from './client.ts';
export { type FieldError, isTesseraApiError, TesseraApiError, toTesseraApiError, unwrap } from './errors.ts';
export { type FoundToken, findTokens, parseToken, previewToken, type TokenKind } from './token-format.ts';
export type { components, operations, paths };

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON body an operation answers with a given status: `ResponseBody<'/api/me', 'get'>`. */
export type ResponseBody<P extends keyof paths, M extends Method, S extends number = 200> =
  Operation<P, M> extends { responses: infer R }
    ? S extends keyof R
      ? R[S] extends { content: { 'application/json': infer B } }
        ? B
        : never
      : never
    : never;

/** The JSON body an operation accepts: `RequestBody<'/api/account/tokens', 'post'>`. */
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The query parameters an operation accepts. */
export type QueryParameters<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

type Schemas = components['schemas'];

// The named schemas of the API (components with an `$id` on the server).
export type Problem = Schemas['Problem'];
/** Every `code` a problem+json answer can carry: a `Record<ProblemCode, …>` is complete by type. */
export type ProblemCode = Schemas['ProblemCode'];
export type OAuthError = Schemas['OAuthError'];
export type User = Schemas['User'];
export type TokenView = Schemas['TokenView'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditAction = Schemas['AuditAction'];
export type AuditTargetType = Schemas['AuditTargetType'];
export type NoticeKind = Schemas['NoticeKind'];
export type NoticeView = Schemas['NoticeView'];
export type NoticeSettings = Schemas['NoticeSettings'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type Agent = Schemas['Agent'];
export type AgentFile = Schemas['AgentFile'];
export type ProviderAccount = Schemas['ProviderAccount'];
export type ProviderCheckRefusal = Schemas['ProviderCheckRefusal'];
export type Repo = Schemas['Repo'];
export type TaskGroup = Schemas['TaskGroup'];
export type Task = Schemas['Task'];
export type SessionView = Schemas['SessionView'];

// Bodies without a name of their own, by the operation that uses them.
export type Me = ResponseBody<'/api/me', 'get'>;
export type Credential = Me['credential'];
export type TokenWithSecret = ResponseBody<'/api/account/tokens', 'post', 201>;
export type CreateTokenRequest = RequestBody<'/api/account/tokens', 'post'>;
export type UpdateTokenRequest = RequestBody<'/api/account/tokens/{id}', 'patch'>;
export type RotateTokenRequest = RequestBody<'/api/account/tokens/{id}/rotate', 'post'>;
export type TokenPolicy = ResponseBody<'/api/account/tokens/policy', 'get'>;
export type TokenResponse = ResponseBody<'/api/auth/token', 'post'>;
export type Framework = ResponseBody<'/api/frameworks', 'get'>['frameworks'][number];
export type Scope = CreateTokenRequest['scopes'][number];
export type AgentPage = ResponseBody<'/api/agents', 'get'>;
export type CreateAgentRequest = RequestBody<'/api/agents', 'post'>;
export type UpdateAgentRequest = RequestBody<'/api/agents/{id}', 'put'>;
export type UploadedAgentFile = ResponseBody<'/api/agents/{id}/upload', 'post', 201>;
export type ProviderAccountTest = Schemas['ProviderAccountTest'];
export type DeviceAuthorization = ResponseBody<'/api/oauth/device_authorization', 'post'>;
export type AutomationTokenView = Schemas['AutomationTokenView'];
export type ReissuedAutomationToken = Schemas['ReissuedAutomationToken'];
export type ChangePasswordRequest = RequestBody<'/api/account/password', 'post'>;
