import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';
import { type AppPlugin, iso } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { SESSION_COOKIE } from '../credentials/authenticate-request.ts';
import { SESSION_LIFETIME_MS } from '../credentials/credentials.service.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity, requireInteractiveIdentity } from '../credentials/identity.ts';
import type { UserRow } from './accounts.repository.ts';
import { DeleteAccountBody, LogInBody, Me, SignUpBody, UserEnvelope } from './accounts.schemas.ts';
import type { AccountService } from './accounts.service.ts';
import { passwordCheckRoute } from './password-check-route.ts';

export function userView(user: Pick<UserRow, 'id' | 'email' | 'name' | 'created_at'>) {
  return { id: user.id, email: user.email, name: user.name, created_at: iso(user.created_at) };
}

export const accountRoutes: AppPlugin<{
  accountService: AccountService;
  config: Pick<Config, 'publicUrl' | 'rateLimits'>;
}> = async (app, { accountService, config }) => {
  const secure = config.publicUrl.protocol === 'https:';
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: SESSION_LIFETIME_MS / 1000,
    });
  const authRoute = declareRoutes(['auth'], 'interactive');
  const accountRoute = declareRoutes(['account'], 'interactive');
  // Signing up and in: no credential yet, but the cross-site check applies, and a limit per client.
  const signIn = {
    auth: 'public',
    csrfCheck: true,
    rateLimit: perMinute(config.rateLimits.signInPerMinute),
  } as const;
  /** Starts the session of a sign-up or sign-in: the cookie, and an answer no cache keeps. */
  const startSession = (
    reply: FastifyReply,
    { user, sessionToken }: { user: UserRow; sessionToken: string },
  ) => {
    setSessionCookie(reply, sessionToken);
    reply.header('cache-control', 'no-store');
    return { user: userView(user) };
  };

  app.post(
    '/api/auth/signup',
    authRoute({
      config: signIn,
      summary: 'Create an account and sign in (sets the session cookie)',
      operationId: 'signUp',
      body: SignUpBody,
      response: { 201: UserEnvelope },
      errors: [409],
    }),
    async (request, reply) => {
      const signedUp = await accountService.signUp(request.body, requestContext(request));
      return reply.code(201).send(startSession(reply, signedUp));
    },
  );

  app.post(
    '/api/auth/login',
    authRoute({
      config: signIn,
      summary: 'Sign in with e-mail and password (sets the session cookie)',
      operationId: 'logIn',
      body: LogInBody,
      response: { 200: UserEnvelope },
      errors: [401],
    }),
    async (request, reply) =>
      startSession(reply, await accountService.logIn(request.body, requestContext(request))),
  );

  app.post(
    '/api/auth/logout',
    authRoute({
      summary: 'Sign out: revokes the presenting session or access token (and its refresh family)',
      operationId: 'logOut',
      response: { 204: Type.Null({ description: 'Signed out' }) },
    }),
    async (request, reply) => {
      await accountService.logOut(requireInteractiveIdentity(request), requestContext(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    accountRoute({
      config: { auth: 'profile:read' },
      summary: 'The signed-in user and the credential that made this request',
      operationId: 'getMe',
      response: { 200: Me },
    }),
    async (request) => {
      const identity = requireIdentity(request);
      // A verification that missed its cache read the owner in the same statement (one statement per cold request).
      const user = identity.owner ?? (await accountService.getUser(identity.userId));
      return {
        user: userView(user),
        credential: {
          kind: identity.kind,
          scopes: identity.scopes,
          ...(identity.kind === 'personal' || identity.kind === 'automation'
            ? { token_id: identity.credentialId }
            : {}),
          expires_at: iso(identity.expiresAt),
        },
      };
    },
  );

  app.delete(
    '/api/account',
    accountRoute({
      ...passwordCheckRoute(config.rateLimits),
      summary:
        'Delete the account; every credential of the user is revoked at once (needs your password; a wrong one is 400 on body.password)',
      operationId: 'deleteAccount',
      body: DeleteAccountBody,
      response: { 204: Type.Null({ description: 'Deleted' }) },
    }),
    async (request, reply) => {
      await accountService.deleteAccount(
        requireIdentity(request),
        request.body.password,
        requestContext(request),
      );
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};
