import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { IdParams } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { passwordCheckRoute } from '../accounts/password-check-route.ts';
import { SESSION_COOKIE } from '../credentials/authenticate-request.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireInteractiveIdentity } from '../credentials/identity.ts';
import {
  ChangePasswordBody,
  RevokedCount,
  RevokeOtherSessionsBody,
  RevokeSessionBody,
  SessionList,
} from './sessions.schemas.ts';
import type { SessionService } from './sessions.service.ts';

export const sessionRoutes: AppPlugin<{
  sessionService: SessionService;
  config: Pick<Config, 'rateLimits'>;
}> = async (app, { sessionService, config }) => {
  const route = declareRoutes(['account'], 'interactive');
  const checksPassword = passwordCheckRoute(config.rateLimits);

  app.get(
    '/api/account/sessions',
    route({
      summary: 'List your active web sessions and app sign-ins, most recently active first',
      operationId: 'listSessions',
      response: { 200: SessionList },
    }),
    async (request, reply) => {
      const sessions = await sessionService.listSessions(requireInteractiveIdentity(request));
      return reply.headers(NO_STORE).send({ sessions });
    },
  );

  app.post(
    '/api/account/sessions/revoke-others',
    route({
      ...checksPassword,
      summary:
        'Sign out everywhere else: end every web session and app sign-in but this one (needs your password; PATs stay)',
      operationId: 'revokeOtherSessions',
      body: RevokeOtherSessionsBody,
      response: { 200: RevokedCount },
    }),
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
    route({
      ...checksPassword,
      summary:
        'End one web session or app sign-in (an app sign-in with all its tokens); ending another than your own needs your password',
      operationId: 'revokeSession',
      params: IdParams,
      // Ending your own sign-in needs no body.
      body: RevokeSessionBody,
      bodyOptional: true,
      response: { 204: Type.Null({ description: 'Ended' }) },
    }),
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
    route({
      ...checksPassword,
      summary:
        'Change your password; every other web session and app sign-in ends (this one and your PATs stay)',
      operationId: 'changePassword',
      body: ChangePasswordBody,
      response: { 204: Type.Null({ description: 'Changed' }) },
    }),
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
