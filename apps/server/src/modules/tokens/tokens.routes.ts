import { Type } from 'typebox';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { IdParams } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import { RESOURCE_SCOPES, SCOPE_DESCRIPTIONS } from '../credentials/scopes.ts';
import {
  CreateTokenBody,
  ListTokensQuery,
  RotateTokenBody,
  SelfRotateBody,
  TokenList,
  TokenNetworkList,
  TokenPolicy,
  TokenUsage,
  TokenView,
  TokenWithSecret,
  UpdateTokenBody,
} from './tokens.schemas.ts';
import type { TokenService } from './tokens.service.ts';

export const tokenRoutes: AppPlugin<{ tokenService: TokenService }> = async (app, { tokenService }) => {
  const route = declareRoutes(['tokens'], 'interactive');
  const owned = ownedResourceRoutes(app, route);
  const token = owned.at('/api/account/tokens/:id');
  // The presenting token's own routes: any token, answered from the credential that made the request.
  const presenting = ownedResourceRoutes(app, route, requireIdentity);

  owned.read(
    '/api/account/tokens',
    {
      summary: 'List your personal access tokens, newest first (never automation tokens)',
      operationId: 'listTokens',
      querystring: ListTokensQuery,
      view: TokenList,
    },
    async (userId, { state = 'all' }) => ({ tokens: await tokenService.listTokens(userId, state) }),
  );

  app.get(
    '/api/account/tokens/policy',
    route({
      summary: "The server's token policy: maximum lifetime, whether expiry is required, the scopes",
      operationId: 'getTokenPolicy',
      response: { 200: TokenPolicy },
    }),
    async () => ({
      ...tokenService.policy(),
      scopes: RESOURCE_SCOPES.map((id) => ({ id, description: SCOPE_DESCRIPTIONS[id] })),
    }),
  );

  owned.create(
    '/api/account/tokens',
    {
      summary: 'Create a personal access token; the secret is in this response only',
      operationId: 'createToken',
      body: CreateTokenBody,
      view: TokenWithSecret,
      errors: [409, 422],
      noStore: true,
    },
    (userId, body, context) => tokenService.createToken(userId, body, context),
  );

  owned.act(
    '/api/account/tokens/revoke-all',
    {
      summary: 'Revoke every personal access token you have',
      operationId: 'revokeAllTokens',
      view: Type.Object({ revoked: Type.Integer() }),
    },
    async (userId, context) => ({ revoked: await tokenService.revokeAllTokens(userId, context) }),
  );

  token.get(
    { summary: 'Get one of your personal access tokens', operationId: 'getToken', view: TokenView },
    (id, userId) => tokenService.getToken(id, userId),
  );

  owned.get(
    '/api/account/tokens/:id/networks',
    {
      summary:
        'The last 10 networks the token was used from (/24 for IPv4, /64 for IPv6), with first and last seen',
      description:
        'To restrict the token to them, send their `network` values as `allowed_cidrs` with `PATCH /api/account/tokens/{id}`.',
      operationId: 'listTokenNetworks',
      view: TokenNetworkList,
    },
    async (id, userId) => ({ networks: await tokenService.listTokenNetworks(id, userId) }),
  );

  owned.get(
    '/api/account/tokens/:id/usage',
    {
      summary: 'Least-privilege report: the scopes granted versus those used in the last 30 days',
      operationId: 'getTokenUsage',
      view: TokenUsage,
    },
    (id, userId) => tokenService.tokenUsage(id, userId),
  );

  token.patch(
    {
      summary: 'Rename a token, change its description, or reduce its scopes',
      operationId: 'updateToken',
      body: UpdateTokenBody,
      view: TokenView,
      errors: [409, 422],
    },
    (id, userId, body, context) => tokenService.updateToken(id, userId, body, context),
  );

  app.post(
    '/api/account/tokens/:id/rotate',
    route({
      summary:
        'Give a token a new secret and a new expiry (by default its current lifetime again, from now, within the policy). The old secret stops working at once, or with `overlap: until_first_use` at the first use of the new one (on every instance) or the deadline, whichever comes first. An expired token may be regenerated; a revoked one cannot (422)',
      operationId: 'rotateToken',
      params: IdParams,
      // Without a body the token keeps its lifetime.
      body: RotateTokenBody,
      bodyOptional: true,
      response: { 200: TokenWithSecret },
      errors: [422],
    }),
    async (request, reply) => {
      const rotated = await tokenService.rotateToken(
        request.params.id,
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      );
      return reply.headers(NO_STORE).send(rotated);
    },
  );

  token.delete(
    { summary: 'Revoke a personal access token', operationId: 'revokeToken', outcome: 'Revoked' },
    (id, userId, context) => tokenService.revokeToken(id, userId, context),
  );

  app.post(
    '/api/tokens/self/rotate',
    route({
      config: { auth: 'any' },
      summary:
        'A personal access token created with `allow_self_rotation` rotates itself: same scopes and settings, its lifetime again from now within the policy, the old secret valid until the new one is first used or the deadline. Any other token: 401 interactive_credential_required',
      operationId: 'rotatePresentingToken',
      body: SelfRotateBody,
      bodyOptional: true,
      response: { 200: TokenWithSecret },
      errors: [404, 409, 422],
    }),
    async (request, reply) => {
      const rotated = await tokenService.selfRotateToken(
        requireIdentity(request),
        request.body,
        requestContext(request),
      );
      return reply.headers(NO_STORE).send(rotated);
    },
  );

  presenting.read(
    '/api/tokens/self',
    {
      config: { auth: 'any' },
      summary: 'The presenting personal access token or automation token',
      operationId: 'getPresentingToken',
      view: TokenView,
      errors: [404],
    },
    (identity) => tokenService.getPresentingToken(identity),
  );
};
