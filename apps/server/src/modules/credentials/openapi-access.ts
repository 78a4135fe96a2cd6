import type { RouteOptions } from 'fastify';
import type { RouteAccessDocs, SecurityRequirement } from '../../platform/http/openapi.ts';
import { type RouteAuth, SESSION_COOKIE } from './authenticate-request.ts';
import { ACCOUNT_SCOPE } from './scopes.ts';

/**
 * What the OpenAPI document says about credentials, derived from each route's `config.auth` so
 * that it cannot disagree with what authenticate-request.ts enforces: the security schemes, each
 * operation's `security` and `x-required-scopes`, and the 401/403 answers of authenticated routes.
 */

export const SECURITY_SCHEMES = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The web session set by `POST /api/auth/login` or `/api/auth/signup`. Unsafe methods are refused ' +
      'with 403 `csrf_rejected` when sent cross-site.',
  },
  accessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'tes_acc_…',
    description:
      'A short-lived (15 minutes) interactive access token from `POST /api/auth/token`. It holds the ' +
      'scopes granted at sign-in (the token response names them in `scope`); the requirement lists the ' +
      'scope an operation needs. Account management (tokens, provider accounts, sessions, password, ' +
      'audit log) needs `account`, which only an interactive sign-in can be granted.',
  },
  personalAccessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'tes_pat_… or tes_aut_…',
    description:
      'A personal access token (or an automation token) limited to its scopes. Never accepted by ' +
      'token-management or other interactive-only operations, and never granted `account`.',
  },
} as const;

/** The scope a bearer token needs for a route (a web session holds every scope). */
export function requiredScopes(auth: RouteAuth): string[] {
  if (auth === 'public' || auth === 'any') return [];
  return [auth === 'interactive' ? ACCOUNT_SCOPE : auth];
}

/** The OpenAPI `security` of a route, from what authenticate-request.ts accepts for it. */
export function securityFor(auth: RouteAuth): SecurityRequirement[] {
  if (auth === 'public') return [];
  // OpenAPI 3.1 allows "role names" in the array of a non-OAuth scheme: here, the scope a token needs.
  const scopes = requiredScopes(auth);
  const signedIn: SecurityRequirement[] = [{ sessionCookie: [] }, { accessToken: scopes }];
  // Interactive-only (account management): never a PAT or automation token.
  if (auth === 'interactive') return signedIn;
  return [...signedIn, { personalAccessToken: scopes }];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The 401 and 403 a route of this kind can answer before its handler runs. */
function refusals(auth: RouteAuth, unsafe: boolean): Record<string, string> {
  if (auth === 'public') return {};
  const out: Record<string, string> = {
    401:
      auth === 'interactive'
        ? 'No credential (`unauthenticated`), a bad token (`invalid_token`) or a PAT or automation token (`interactive_credential_required`)'
        : 'No credential (`unauthenticated`) or a malformed, unknown, expired or revoked token (`invalid_token`)',
  };
  if (unsafe || auth !== 'any') {
    out[403] =
      auth === 'interactive'
        ? 'An access token without the `account` scope (`insufficient_scope`) or a cross-site cookie request (`csrf_rejected`)'
        : 'The token lacks the scope (`insufficient_scope`) or a cross-site cookie request (`csrf_rejected`)';
  }
  return out;
}

/** For the OpenAPI plugin: a route's access in the document; undefined (left out) without `config.auth`. */
export function describeRouteAccess(route: RouteOptions): RouteAccessDocs | undefined {
  const auth = route.config?.auth;
  if (auth === undefined) return undefined;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return {
    security: securityFor(auth),
    extensions: { 'x-required-scopes': requiredScopes(auth) },
    responses: refusals(
      auth,
      methods.some((method) => UNSAFE_METHODS.has(method)),
    ),
  };
}
