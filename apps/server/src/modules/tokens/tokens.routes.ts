import { Type } from 'typebox';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { RESOURCE_SCOPES, SCOPE_DESCRIPTIONS } from '../credentials/scopes.ts';
import {
  CreateTokenBody,
  ListTokensQuery,
  RotateTokenBody,
  SelfRotateBody,
  TokenIdParams,
  TokenList,
  TokenNetworkList,
  TokenPolicy,
  TokenUsage,
  TokenView,
  TokenWithSecret,
  UpdateTokenBody,
} from './tokens.schemas.ts';
import type { TokenService } from './tokens.service.ts';

const tags = ['tokens'];

export const tokenRoutes: AppPlugin<{ tokenService: TokenService }> = async (app, { tokenService }) => {
  app.get(
    '/api/account/tokens',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'List your personal access tokens, newest first (never automation tokens)',
        operationId: 'listTokens',
        tags,
        querystring: ListTokensQuery,
        response: { 200: TokenList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({
      tokens: await tokenService.listTokens(requireIdentity(request).userId, request.query.state ?? 'all'),
    }),
  );

  app.get(
    '/api/account/tokens/policy',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: "The server's token policy: maximum lifetime, whether expiry is required, the scopes",
        operationId: 'getTokenPolicy',
        tags,
        response: { 200: TokenPolicy, ...problemResponses(401, 403) },
      },
    },
    async () => ({
      ...tokenService.policy(),
      scopes: RESOURCE_SCOPES.map((id) => ({ id, description: SCOPE_DESCRIPTIONS[id] })),
    }),
  );

  app.post(
    '/api/account/tokens',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Create a personal access token; the secret is in this response only',
        operationId: 'createToken',
        tags,
        body: CreateTokenBody,
        response: { 201: TokenWithSecret, ...problemResponses(400, 401, 403, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      const created = await tokenService.createToken(
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      );
      return reply.code(201).headers(NO_STORE).send(created);
    },
  );

  app.post(
    '/api/account/tokens/revoke-all',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Revoke every personal access token you have',
        operationId: 'revokeAllTokens',
        tags,
        response: { 200: Type.Object({ revoked: Type.Integer() }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      revoked: await tokenService.revokeAllTokens(requireIdentity(request).userId, requestContext(request)),
    }),
  );

  app.get(
    '/api/account/tokens/:id',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Get one of your personal access tokens',
        operationId: 'getToken',
        tags,
        params: TokenIdParams,
        response: { 200: TokenView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => tokenService.getToken(request.params.id, requireIdentity(request).userId),
  );

  app.get(
    '/api/account/tokens/:id/networks',
    {
      config: { auth: 'interactive' },
      schema: {
        summary:
          'The last 10 networks the token was used from (/24 for IPv4, /64 for IPv6), with first and last seen',
        description:
          'To restrict the token to them, send their `network` values as `allowed_cidrs` with `PATCH /api/account/tokens/{id}`.',
        operationId: 'listTokenNetworks',
        tags,
        params: TokenIdParams,
        response: { 200: TokenNetworkList, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      networks: await tokenService.listTokenNetworks(request.params.id, requireIdentity(request).userId),
    }),
  );

  app.get(
    '/api/account/tokens/:id/usage',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Least-privilege report: the scopes granted versus those used in the last 30 days',
        operationId: 'getTokenUsage',
        tags,
        params: TokenIdParams,
        response: { 200: TokenUsage, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => tokenService.tokenUsage(request.params.id, requireIdentity(request).userId),
  );

  app.patch(
    '/api/account/tokens/:id',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Rename a token, change its description, or reduce its scopes',
        operationId: 'updateToken',
        tags,
        params: TokenIdParams,
        body: UpdateTokenBody,
        response: { 200: TokenView, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request) =>
      tokenService.updateToken(
        request.params.id,
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      ),
  );

  app.post(
    '/api/account/tokens/:id/rotate',
    {
      config: { auth: 'interactive' },
      schema: {
        summary:
          'Give a token a new secret and a new expiry (by default its current lifetime again, from now, within the policy). The old secret stops working at once, or with `overlap: until_first_use` at the first use of the new one (on every instance) or the deadline, whichever comes first. An expired token may be regenerated; a revoked one cannot (422)',
        operationId: 'rotateToken',
        tags,
        params: TokenIdParams,
        body: RotateTokenBody,
        'x-body-optional': true,
        response: { 200: TokenWithSecret, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
      // The body is optional: without one the token keeps its lifetime.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
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

  app.delete(
    '/api/account/tokens/:id',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Revoke a personal access token',
        operationId: 'revokeToken',
        tags,
        params: TokenIdParams,
        response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await tokenService.revokeToken(
        request.params.id,
        requireIdentity(request).userId,
        requestContext(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/tokens/self/rotate',
    {
      config: { auth: 'any' },
      schema: {
        summary:
          'A personal access token created with `allow_self_rotation` rotates itself: same scopes and settings, its lifetime again from now within the policy, the old secret valid until the new one is first used or the deadline. Any other token: 401 interactive_credential_required',
        operationId: 'rotatePresentingToken',
        tags,
        body: SelfRotateBody,
        'x-body-optional': true,
        response: { 200: TokenWithSecret, ...problemResponses(400, 401, 404, 409, 415, 422) },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const rotated = await tokenService.selfRotateToken(
        requireIdentity(request),
        request.body,
        requestContext(request),
      );
      return reply.headers(NO_STORE).send(rotated);
    },
  );

  app.get(
    '/api/tokens/self',
    {
      config: { auth: 'any' },
      schema: {
        summary: 'The presenting personal access token or automation token',
        operationId: 'getPresentingToken',
        tags,
        response: { 200: TokenView, ...problemResponses(401, 404) },
      },
    },
    async (request) => tokenService.getPresentingToken(requireIdentity(request)),
  );
};
