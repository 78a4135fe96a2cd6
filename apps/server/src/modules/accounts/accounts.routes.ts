import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { type AppPlugin, iso, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { SESSION_COOKIE } from '../credentials/authenticate-request.ts';
import { SESSION_LIFETIME_MS } from '../credentials/credentials.service.ts';
import { requireIdentity, requireInteractiveIdentity } from '../credentials/identity.ts';
import type { UserRow } from './accounts.repository.ts';
import { DeleteAccountBody, LogInBody, Me, SignUpBody, UserEnvelope } from './accounts.schemas.ts';
import type { AccountService } from './accounts.service.ts';

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
  const signInLimit = { max: config.rateLimits.signInPerMinute, timeWindow: '1 minute' };

  app.post(
    '/api/auth/signup',
    {
      config: { auth: 'public', csrfCheck: true, rateLimit: signInLimit },
      schema: {
        summary: 'Create an account and sign in (sets the session cookie)',
        operationId: 'signUp',
        tags: ['auth'],
        security: [],
        body: SignUpBody,
        response: { 201: UserEnvelope, ...problemResponses(400, 403, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const { user, sessionToken } = await accountService.signUp(request.body, requestContext(request));
      setSessionCookie(reply, sessionToken);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ user: userView(user) });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { auth: 'public', csrfCheck: true, rateLimit: signInLimit },
      schema: {
        summary: 'Sign in with e-mail and password (sets the session cookie)',
        operationId: 'logIn',
        tags: ['auth'],
        security: [],
        body: LogInBody,
        response: { 200: UserEnvelope, ...problemResponses(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const { user, sessionToken } = await accountService.logIn(request.body, requestContext(request));
      setSessionCookie(reply, sessionToken);
      reply.header('cache-control', 'no-store');
      return { user: userView(user) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Sign out: revokes the presenting session or access token (and its refresh family)',
        operationId: 'logOut',
        tags: ['auth'],
        response: { 204: { type: 'null', description: 'Signed out' }, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await accountService.logOut(requireInteractiveIdentity(request), requestContext(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { auth: 'profile:read' },
      schema: {
        summary: 'The signed-in user and the credential that made this request',
        operationId: 'getMe',
        tags: ['account'],
        response: { 200: Me, ...problemResponses(401, 403) },
      },
    },
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
    {
      // A password check: limited per client like sign-in, on top of the per-account budget.
      config: { auth: 'interactive', rateLimit: signInLimit },
      schema: {
        summary:
          'Delete the account; every credential of the user is revoked at once (needs your password; a wrong one is 400 on body.password)',
        operationId: 'deleteAccount',
        tags: ['account'],
        body: DeleteAccountBody,
        response: {
          204: { type: 'null', description: 'Deleted' },
          ...problemResponses(400, 401, 403, 415, 429, 503),
        },
      },
    },
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
