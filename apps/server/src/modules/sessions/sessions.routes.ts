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
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
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
  // The caller's sign-ins, as the interactive credential that made the request sees them.
  const own = ownedResourceRoutes(app, route, requireInteractiveIdentity);
  const checksPassword = passwordCheckRoute(config.rateLimits);

  own.read(
    '/api/account/sessions',
    {
      summary: 'List your active web sessions and app sign-ins, most recently active first',
      operationId: 'listSessions',
      view: SessionList,
      noStore: true,
    },
    async (identity) => ({ sessions: await sessionService.listSessions(identity) }),
  );

  own.update(
    'POST',
    '/api/account/sessions/revoke-others',
    {
      ...checksPassword,
      summary:
        'Sign out everywhere else: end every web session and app sign-in but this one (needs your password; PATs stay)',
      operationId: 'revokeOtherSessions',
      body: RevokeOtherSessionsBody,
      view: RevokedCount,
      noStore: true,
    },
    async (identity, { password }, context) => ({
      revoked: await sessionService.revokeOtherSessions(identity, password, context),
    }),
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

  own.update(
    'POST',
    '/api/account/password',
    {
      ...checksPassword,
      summary:
        'Change your password; every other web session and app sign-in ends (this one and your PATs stay)',
      operationId: 'changePassword',
      body: ChangePasswordBody,
      outcome: 'Changed',
      noStore: true,
    },
    (identity, body, context) => sessionService.changePassword(identity, body, context),
  );
};
