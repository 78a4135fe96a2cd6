import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction as HookDone,
  onRequestHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../platform/errors.ts';
import { prebuiltProblem, sendProblem } from '../../platform/http/error-handler.ts';
import { bearerChallenge } from './bearer-challenge.ts';
import { type CredentialService, type FreshReads, INVALID_TOKEN } from './credentials.service.ts';
import { type Identity, interactiveCredentialRequired, isInteractive, toIdentity } from './identity.ts';
import { ACCOUNT_SCOPE, grantsScope, type ResourceScope, type Scope } from './scopes.ts';

export const SESSION_COOKIE = 'tessera_session';

/**
 * What a route accepts, declared in its options (`config: { auth: … }`):
 * - `public`: no credential is read;
 * - `interactive`: account management — a web session, or an OAuth access token holding the
 *   `account` scope; never a PAT or automation token (ADR 0013);
 * - `any`: any live credential;
 * - a resource scope: any credential holding it (a web session holds every scope; an access
 *   token, a PAT or an automation token holds what it was granted).
 */
export type RouteAuth = 'public' | 'interactive' | 'any' | ResourceScope;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Apply the cross-site check of docs/api.md §1 even though the route is public (sign-in). */
    csrfCheck?: boolean;
  }
  interface FastifyRequest {
    identity: Identity | null;
    /** The problem code this hook refused the request with, before any handler ran (the access log's ADR 0043). */
    refusedWith: string | null;
  }
  interface FastifyInstance {
    /** Every API route with what it accepts: the route table that security tests walk. */
    apiRoutes: Array<{ method: string; url: string; auth: RouteAuth }>;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The refusals this hook makes, each one AppError instance with its answer built at start (the
 * error handler's status, headers and problem+json bytes): refusing a request serializes nothing
 * (issue #13). Their bodies name no request (only 5xx answers carry a request id).
 */
const PREBUILT = new Map<AppError, (reply: FastifyReply) => void>();
function prebuiltRefusal(error: AppError): AppError {
  PREBUILT.set(error, prebuiltProblem(error));
  return error;
}

const NO_CREDENTIAL = prebuiltRefusal(
  new AppError('unauthenticated', 'Sign in or present a bearer token.', {
    headers: Object.freeze({ 'www-authenticate': bearerChallenge() }),
  }),
);
const MALFORMED_AUTHORIZATION = prebuiltRefusal(
  new AppError('invalid_token', 'The Authorization header must be "Bearer <token>".', {
    headers: Object.freeze({ 'www-authenticate': bearerChallenge('invalid_token') }),
  }),
);
const NOT_INTERACTIVE = prebuiltRefusal(interactiveCredentialRequired());
prebuiltRefusal(INVALID_TOKEN);
const INSUFFICIENT_SCOPE = new Map<Scope, AppError>();

function insufficientScope(scope: Scope): AppError {
  let error = INSUFFICIENT_SCOPE.get(scope);
  if (!error) {
    error = prebuiltRefusal(
      new AppError('insufficient_scope', `This request needs the "${scope}" scope.`, {
        headers: Object.freeze({ 'www-authenticate': bearerChallenge('insufficient_scope', { scope }) }),
      }),
    );
    INSUFFICIENT_SCOPE.set(scope, error);
  }
  return error;
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, null when present but malformed. */
export function readBearer(header: string | string[] | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') return null;
  const match = /^bearer +([^\s]+) *$/i.exec(header);
  return match ? (match[1] ?? null) : null;
}

function crossSiteRejected(request: FastifyRequest, publicOrigin: string): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  const ownOrigin = `${request.protocol}://${request.host}`;
  return origin !== publicOrigin && origin !== ownOrigin;
}

export const authenticateRequests = fp(
  async (app: FastifyInstance, options: { credentials: CredentialService; publicOrigin: string }) => {
    const { credentials, publicOrigin } = options;
    app.decorateRequest('identity', null);
    app.decorateRequest('refusedWith', null);
    const apiRoutes: Array<{ method: string; url: string; auth: RouteAuth }> = [];
    app.decorate('apiRoutes', apiRoutes);

    // Every API route must say what it accepts; a route that forgets fails at start-up, not in
    // production. A route that reads a credential (or checks the origin) gets this plugin's hook as
    // its first own onRequest hook, made for what it declared: the hook never looks the route's
    // options up per request, and public routes run no hook at all (issue #13, ADR 0046). So this
    // plugin must be registered before any route (app.ts does): `onRoute` sees only later ones.
    app.addHook('onRoute', (route) => {
      const auth = route.config?.auth;
      if (route.url.startsWith('/api/')) {
        if (auth === undefined)
          throw new Error(`route ${route.method} ${route.url} does not declare config.auth`);
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD') apiRoutes.push({ method, url: route.url, auth });
        }
      }
      const csrfCheck = route.config?.csrfCheck === true;
      if ((auth === undefined || auth === 'public') && !csrfCheck) return;
      // A new array: Fastify copied the options for the route's HEAD twin before this hook ran.
      const own = route.onRequest;
      route.onRequest = [authenticationHook(auth, csrfCheck), ...(own === undefined ? [] : [own].flat())];
    });

    /** What the route requires of a verified (or absent) identity; throws the refusal. */
    function authorize(request: FastifyRequest, requirement: RouteAuth, identity: Identity | null) {
      if (!identity) throw NO_CREDENTIAL;
      if (
        identity.via === 'cookie' &&
        UNSAFE_METHODS.has(request.method) &&
        crossSiteRejected(request, publicOrigin)
      ) {
        throw new AppError('csrf_rejected', 'Cookie-authenticated requests must come from this site.');
      }
      request.identity = identity;

      if (requirement === 'any') return;
      if (requirement === 'interactive') {
        if (!isInteractive(identity)) throw NOT_INTERACTIVE;
        // An access token manages the account only when the user granted `account` at sign-in.
        if (!grantsScope(identity.scopes, ACCOUNT_SCOPE)) throw insufficientScope(ACCOUNT_SCOPE);
        return;
      }
      if (requirement === 'public') return;
      if (!grantsScope(identity.scopes, requirement)) throw insufficientScope(requirement);
      // What a PAT actually used, for its least-privilege report (batched, ADR 0031).
      if (identity.kind === 'personal')
        credentials.recordScopeUse(identity.credentialId, identity.userId, requirement);
    }

    /**
     * Verifies the request's credential for a route that accepts `requirement`: undefined when it
     * needs none (public route), else the identity (null: none presented), at once when the
     * verification cache can tell and as a promise when the store is asked. Throws the refusals
     * it can make at once.
     */
    function verify(
      request: FastifyRequest,
      requirement: RouteAuth | undefined,
      csrfCheck: boolean,
    ): Identity | Promise<Identity | null> | null | undefined {
      if (csrfCheck && UNSAFE_METHODS.has(request.method) && crossSiteRejected(request, publicOrigin)) {
        throw new AppError('csrf_rejected', 'Cross-site requests may not sign in.');
      }
      if (requirement === undefined || requirement === 'public') return undefined;

      const bearer = readBearer(request.headers.authorization);
      if (bearer === null) throw MALFORMED_AUTHORIZATION;
      const fresh: FreshReads = {};
      if (bearer !== undefined) {
        const verified = credentials.verifyBearer(bearer, request.ip, fresh);
        return verified instanceof Promise
          ? verified.then((credential) => toIdentity(credential, 'bearer', fresh.owner))
          : toIdentity(verified, 'bearer', undefined);
      }
      const cookie = request.cookies?.[SESSION_COOKIE];
      if (!cookie) return null;
      return credentials
        .verifySessionToken(cookie, request.ip, fresh)
        .then((session) => (session ? toIdentity(session, 'cookie', fresh.owner) : null));
    }

    /**
     * An expected refusal (a 4xx AppError: no credential, a bad token, a missing scope, a
     * cross-site request) is answered from this hook, without Fastify's error path, with the
     * error handler's answer; anything else (a store failure) goes through the error handler,
     * which logs it.
     */
    function refuse(error: unknown, request: FastifyRequest, reply: FastifyReply, done: HookDone) {
      if (!(error instanceof AppError) || error.status >= 500) return done(error as Error);
      request.refusedWith = error.code;
      const answer = PREBUILT.get(error);
      if (answer) answer(reply);
      else sendProblem(reply, error, request);
    }

    // A callback-style hook: an async one costs a promise and a microtask turn on every request
    // (issue #13). `done` is always called outside the try blocks, so an error thrown further down
    // the chain is never taken for a refusal.
    function authenticationHook(auth: RouteAuth | undefined, csrfCheck: boolean): onRequestHookHandler {
      return (request, reply, done) => {
        let pending: Identity | Promise<Identity | null> | null | undefined;
        let refusal: unknown;
        try {
          pending = verify(request, auth, csrfCheck);
          // `auth!`: verify() answers an identity, null or a pending verification only for a
          // route that requires a credential.
          if (!(pending instanceof Promise) && pending !== undefined) authorize(request, auth!, pending);
        } catch (error) {
          refusal = error;
        }
        if (refusal !== undefined) return refuse(refusal, request, reply, done);
        if (!(pending instanceof Promise)) return done();
        pending.then(
          (identity) => {
            let refused: unknown;
            try {
              authorize(request, auth!, identity);
            } catch (error) {
              refused = error;
            }
            if (refused === undefined) done();
            else refuse(refused, request, reply, done);
          },
          (error) => refuse(error, request, reply, done),
        );
      };
    }
  },
  { name: 'authenticate-requests', dependencies: ['@fastify/cookie'] },
);
