import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { OAuthError } from '../../platform/oauth-error.ts';
import { requestContext } from '../../platform/request-context.ts';
import type { GrantHandler } from './grants/grant.ts';
import { RevokeRequest, TokenRequest, TokenResponseSchema } from './oauth.schemas.ts';
import { clientEndpoint, oauthEndpoint, requireClient } from './oauth-endpoint.ts';
import type { TokenRevocationService } from './token-revocation.service.ts';

/** Reads the request body as the flat string map RFC 6749 expects, whatever its encoding. */
function stringParams(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string') out[key] = value;
      else if (value !== undefined && value !== null) {
        throw new OAuthError('invalid_request', `Parameter ${key} must be a string.`);
      }
    }
  }
  return out;
}

export const oauthRoutes: AppPlugin<{
  grants: Map<string, GrantHandler>;
  revocation: TokenRevocationService;
  config: Pick<Config, 'rateLimits'>;
}> = async (app, { grants, revocation, config }) => {
  app.post(
    '/api/auth/token',
    clientEndpoint(config.rateLimits, {
      summary: 'OAuth 2.0 token endpoint (password, refresh_token, authorization_code + PKCE, device_code)',
      operationId: 'exchangeOAuthToken',
      body: TokenRequest,
      view: TokenResponseSchema,
    }),
    async (request, reply) => {
      if (request.validationError) throw new OAuthError('invalid_request', 'The token request is malformed.');
      const params = stringParams(request.body);
      const client = requireClient(params.client_id);
      const grantType = params.grant_type ?? '';
      const grant = grants.get(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', 'This grant type is not supported.');
      if (!client.grantTypes.includes(grantType)) {
        throw new OAuthError('unauthorized_client', 'This client may not use this grant type.');
      }
      const tokens = await grant(params, client, requestContext(request));
      return reply.headers(NO_STORE).send(tokens);
    },
  );

  app.post(
    '/api/oauth/revoke',
    oauthEndpoint({
      summary: 'Revoke an access or refresh token (RFC 7009); always 200 for unknown tokens',
      operationId: 'revokeOAuthToken',
      body: RevokeRequest,
      response: { 200: Type.Object({}) },
    }),
    async (request, reply) => {
      if (request.validationError)
        throw new OAuthError('invalid_request', 'The token parameter is required.');
      const { token, token_type_hint: hint } = request.body;
      if (hint && hint !== 'access_token' && hint !== 'refresh_token') {
        throw new OAuthError('unsupported_token_type', 'Only access and refresh tokens can be revoked here.');
      }
      await revocation.revokeToken(token, requestContext(request));
      return reply.headers(NO_STORE).send({});
    },
  );
};
