import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { AppError } from '../../platform/errors.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { SESSION_COOKIE } from '../credentials/authenticate-request.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import {
  AuthorizationRequestParams,
  AuthorizationRequestView,
  AuthorizeQuery,
  DecisionBody,
  DecisionResponse,
} from './authorization.schemas.ts';
import type { AuthorizationService } from './authorization.service.ts';
import { requireWebSession } from './web-session.ts';

/** Web UI pages the browser is sent to (the single-page app serves them). */
export const LOGIN_PAGE = '/login';
export const CONSENT_PAGE = '/oauth/consent';

export const authorizationRoutes: AppPlugin<{
  authorizations: AuthorizationService;
  credentials: Pick<CredentialService, 'verifySessionToken'>;
  config: Pick<Config, 'rateLimits'>;
}> = async (app, { authorizations, credentials, config }) => {
  const route = declareRoutes(['oauth'], 'interactive');
  app.get(
    '/api/oauth/authorize',
    route(
      {
        // Public: the browser arrives here from a native app, signed in or not; the session
        // cookie is read below, and without one the user is sent to sign in first.
        config: { auth: 'public', rateLimit: perMinute(config.rateLimits.tokenEndpointPerMinute) },
        summary: 'OAuth 2.0 authorization endpoint (code + PKCE S256, loopback redirects per RFC 8252)',
        description:
          'Redirects (302) to the sign-in page, then to the consent page `/oauth/consent?request=<id>`. ' +
          'Errors about the request go to the redirect URI; an unknown client or redirect URI is answered with 400.',
        operationId: 'authorize',
        querystring: AuthorizeQuery,
        response: { 302: Type.Null({ description: 'Redirect' }) },
      },
      // A malformed query (e.g. a parameter given twice) must not redirect anywhere.
      { attachValidation: true },
    ),
    async (request, reply) => {
      if (request.validationError) {
        throw new AppError('invalid_request', 'Each authorization parameter may appear once, as a string.');
      }
      const check = authorizations.checkAuthorizationRequest(request.query);
      reply.headers(NO_STORE);
      if (check.outcome === 'redirect_error') return reply.redirect(check.redirectTo, 302);

      const sessionToken = request.cookies?.[SESSION_COOKIE];
      const session = sessionToken ? await credentials.verifySessionToken(sessionToken, request.ip) : null;
      if (!session) {
        // Relative URLs: the browser stays on whatever origin serves the web UI.
        return reply.redirect(`${LOGIN_PAGE}?next=${encodeURIComponent(request.url)}`, 302);
      }
      const { id } = await authorizations.createPendingRequest(session.userId, check.request);
      return reply.redirect(`${CONSENT_PAGE}?request=${encodeURIComponent(id)}`, 302);
    },
  );

  app.get(
    '/api/oauth/requests/:id',
    route({
      summary: 'The pending authorization request the consent page asks the user about (web session only)',
      operationId: 'getAuthorizationRequest',
      params: AuthorizationRequestParams,
      response: { 200: AuthorizationRequestView },
      problems: [400, 401, 404],
    }),
    async (request, reply) => {
      const identity = requireWebSession(request);
      const view = await authorizations.getPendingRequest(request.params.id, identity.userId);
      reply.headers(NO_STORE);
      return { id: view.id, client: view.client, scopes: view.scopes, redirect_uri: view.redirectUri };
    },
  );

  app.post(
    '/api/oauth/requests/:id/decision',
    route({
      summary:
        'Approve or deny a pending authorization request (web session only); answers where to send the browser',
      operationId: 'decideAuthorizationRequest',
      params: AuthorizationRequestParams,
      body: DecisionBody,
      response: { 200: DecisionResponse },
    }),
    async (request, reply) => {
      const identity = requireWebSession(request);
      const { redirectTo } = await authorizations.decide(
        request.params.id,
        identity.userId,
        request.body.approve,
        requestContext(request),
      );
      reply.headers(NO_STORE);
      return { redirect_to: redirectTo };
    },
  );
};
