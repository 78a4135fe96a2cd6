import { type RouteSpec, routeDeclarer } from '../../platform/http/route-declaration.ts';
import { accessProblems } from '../credentials/declare-routes.ts';
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
