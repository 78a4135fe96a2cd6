import type { TSchema } from 'typebox';
import type { Config } from '../../config.ts';
import { perMinute, type RouteSpec, routeDeclarer } from '../../platform/http/route-declaration.ts';
import { OAuthError } from '../../platform/oauth-error.ts';
import { accessProblems } from '../credentials/declare-routes.ts';
import { findClient, type OAuthClient } from './clients.ts';
import { OAuthErrorSchema } from './oauth.schemas.ts';

const route = routeDeclarer({
  tags: ['oauth'],
  config: { auth: 'public', oauthErrors: true },
  accessProblems,
});

/**
 * Declares an endpoint of the OAuth protocol itself (token, revocation, device authorization):
 * public, reading a form-encoded or JSON body, and answering RFC 6749 §5.2 errors, not
 * problem+json. A malformed request still reaches the handler (`request.validationError`), which
 * answers `invalid_request` in that form.
 */
export function oauthEndpoint<const S extends Omit<RouteSpec, 'problems' | 'consumes'>>(spec: S) {
  return route(
    {
      ...spec,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      problems: [],
      response: { 400: OAuthErrorSchema, ...spec.response },
    },
    { attachValidation: true },
  );
}

/**
 * Declares an endpoint where a client asks for a grant (the token endpoint, device
 * authorization): an `oauthEndpoint` limited per client address as the token endpoint is,
 * answering `view` (200), or 401 `invalid_client` for a client it does not know (`requireClient`).
 */
export function clientEndpoint<
  const S extends Omit<RouteSpec, 'problems' | 'consumes' | 'config' | 'response'> & { view: TSchema },
>(rateLimits: Pick<Config['rateLimits'], 'tokenEndpointPerMinute'>, { view, ...spec }: S) {
  return oauthEndpoint({
    ...spec,
    config: { rateLimit: perMinute(rateLimits.tokenEndpointPerMinute) },
    response: { 200: view as S['view'], 401: OAuthErrorSchema },
  });
}

/** The registered client a grant request names (RFC 6749 §5.2: an unknown one is 401 `invalid_client`). */
export function requireClient(clientId: string | undefined): OAuthClient {
  const client = findClient(clientId);
  if (!client) throw new OAuthError('invalid_client', 'Unknown client.', 401);
  return client;
}
