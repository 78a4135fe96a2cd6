import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { SESSION_COOKIE } from '../credentials/authenticate-request.ts';
import { requireInteractiveIdentity } from '../credentials/identity.ts';
import {
  ChangePasswordBody,
  RevokedCount,
  RevokeOtherSessionsBody,
  RevokeSessionBody,
  SessionIdParams,
  SessionList,
} from './sessions.schemas.ts';
import type { SessionService } from './sessions.service.ts';

const tags = ['account'];

export const sessionRoutes: AppPlugin<{
  sessionService: SessionService;
  config: Pick<Config, 'rateLimits'>;
}> = async (app, { sessionService, config }) => {
  // The routes that check a password cost an argon2 verification: limited per client like sign-in,
  // and shed with 503 when the hashing queue is full.
  const passwordLimit = { max: config.rateLimits.signInPerMinute, timeWindow: '1 minute' };

  app.get(
    '/api/account/sessions',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'List your active web sessions and app sign-ins, most recently active first',
        operationId: 'listSessions',
        tags,
        response: { 200: SessionList, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const sessions = await sessionService.listSessions(requireInteractiveIdentity(request));
      return reply.headers(NO_STORE).send({ sessions });
    },
  );

  app.post(
    '/api/account/sessions/revoke-others',
    {
      config: { auth: 'interactive', rateLimit: passwordLimit },
      schema: {
        summary:
          'Sign out everywhere else: end every web session and app sign-in but this one (needs your password; PATs stay)',
        operationId: 'revokeOtherSessions',
        tags,
        body: RevokeOtherSessionsBody,
        response: { 200: RevokedCount, ...problemResponses(400, 401, 403, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const revoked = await sessionService.revokeOtherSessions(
        requireInteractiveIdentity(request),
        request.body.password,
        requestContext(request),
      );
      return reply.headers(NO_STORE).send({ revoked });
    },
  );

  app.delete(
    '/api/account/sessions/:id',
    {
      config: { auth: 'interactive', rateLimit: passwordLimit },
      schema: {
        summary:
          'End one web session or app sign-in (an app sign-in with all its tokens); ending another than your own needs your password',
        operationId: 'revokeSession',
        tags,
        params: SessionIdParams,
        body: RevokeSessionBody,
        'x-body-optional': true,
        response: {
          204: Type.Null({ description: 'Ended' }),
          ...problemResponses(400, 401, 403, 404, 415, 429, 503),
        },
      },
      // The body is optional: ending your own sign-in needs none.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const identity = requireInteractiveIdentity(request);
      const { endedOwn } = await sessionService.revokeSession(
        identity,
        request.params.id,
        request.body.password,
        requestContext(request),
      );
      if (endedOwn && identity.kind === 'session') reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).headers(NO_STORE).send(null);
    },
  );

  app.post(
    '/api/account/password',
    {
      config: { auth: 'interactive', rateLimit: passwordLimit },
      schema: {
        summary:
          'Change your password; every other web session and app sign-in ends (this one and your PATs stay)',
        operationId: 'changePassword',
        tags,
        body: ChangePasswordBody,
        response: {
          204: Type.Null({ description: 'Changed' }),
          ...problemResponses(400, 401, 403, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      await sessionService.changePassword(
        requireInteractiveIdentity(request),
        request.body,
        requestContext(request),
      );
      return reply.code(204).headers(NO_STORE).send(null);
    },
  );
};
