import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { AppError } from '../../platform/errors.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { OAuthError } from '../../platform/oauth-error.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import {
  DeviceAuthorizationRequest,
  DeviceAuthorizationResponseSchema,
  DeviceDecisionBody,
  DeviceLookupBody,
  DeviceLookupResponse,
} from './device.schemas.ts';
import type { DeviceAuthorizationService } from './device-authorization.service.ts';
import { clientEndpoint, requireClient } from './oauth-endpoint.ts';
import { requireWebSession } from './web-session.ts';

const USER_CODE_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** A wrong user code is 404; too many of them from one address, 429 (see userCodeFailures). */
const USER_CODE_ERRORS = [404, 429];

export const deviceRoutes: AppPlugin<{
  devices: DeviceAuthorizationService;
  config: Pick<Config, 'rateLimits'>;
}> = async (app, { devices, config }) => {
  const route = declareRoutes(['oauth'], 'interactive');
  /*
   * RFC 8628 §5.1: user codes are short, so guessing is throttled. Only wrong codes count, per
   * IP, and lookup and decision share one counter (either could be used to probe). The limiter
   * lives in @fastify/rate-limit's store, shared through Redis across instances when configured.
   */
  const userCodeFailures = app.createRateLimit({
    max: config.rateLimits.userCodeFailuresPerIp,
    timeWindow: USER_CODE_FAILURE_WINDOW_MS,
    keyGenerator: (request) => `oauth-user-code:${normalizeIP(request.ip)}`,
  });
  const rateLimitHeaders = (limit: { max: number; remaining: number; ttlInSeconds: number }) => ({
    'x-ratelimit-limit': String(limit.max),
    'x-ratelimit-remaining': String(limit.remaining),
    'x-ratelimit-reset': String(limit.ttlInSeconds),
  });
  async function refuseWhenThrottled(request: FastifyRequest) {
    const limit = await userCodeFailures(request, { increment: false });
    if (!limit.isAllowed && limit.remaining <= 0) {
      const retryAfter = String(Math.max(1, limit.ttlInSeconds));
      throw new AppError('rate_limited', `Too many wrong codes; try again in ${retryAfter} s.`, {
        headers: { 'retry-after': retryAfter, ...rateLimitHeaders(limit) },
      });
    }
  }
  async function wrongCode(request: FastifyRequest, reply: FastifyReply): Promise<never> {
    const limit = await userCodeFailures(request);
    if (!limit.isAllowed) reply.headers(rateLimitHeaders(limit));
    throw new AppError('not_found', 'No pending device authorization has this code; check it and try again.');
  }

  app.post(
    '/api/oauth/device_authorization',
    clientEndpoint(config.rateLimits, {
      summary: 'Start a device authorization (RFC 8628): returns the device code and the code the user types',
      operationId: 'startDeviceAuthorization',
      body: DeviceAuthorizationRequest,
      view: DeviceAuthorizationResponseSchema,
    }),
    async (request, reply) => {
      if (request.validationError) {
        throw new OAuthError('invalid_request', 'client_id is required; every parameter is a single string.');
      }
      const client = requireClient(request.body.client_id);
      const response = await devices.startDeviceAuthorization(client, request.body.scope);
      return reply.headers(NO_STORE).send(response);
    },
  );

  app.post(
    '/api/oauth/device/lookup',
    route({
      summary:
        'Find the pending device authorization for a user code, to show the confirmation page (web session only)',
      description: `404 for an unknown, expired or decided code; wrong codes are rate-limited per IP (429).`,
      operationId: 'lookUpDeviceAuthorization',
      body: DeviceLookupBody,
      response: { 200: DeviceLookupResponse },
      errors: USER_CODE_ERRORS,
    }),
    async (request, reply) => {
      requireWebSession(request);
      await refuseWhenThrottled(request);
      const pending = await devices.findPendingByUserCode(request.body.user_code);
      if (!pending) return wrongCode(request, reply);
      reply.headers(NO_STORE);
      return { client: pending.client, scopes: pending.scopes, user_code: pending.userCode };
    },
  );

  app.post(
    '/api/oauth/device/decision',
    route({
      summary: 'Approve or deny a device authorization by its user code (web session only)',
      operationId: 'decideDeviceAuthorization',
      body: DeviceDecisionBody,
      response: { 204: Type.Null({ description: 'Decided; the device learns it on its next poll' }) },
      errors: USER_CODE_ERRORS,
    }),
    async (request, reply) => {
      const identity = requireWebSession(request);
      await refuseWhenThrottled(request);
      const decided = await devices.decide(
        request.body.user_code,
        identity.userId,
        request.body.approve,
        requestContext(request),
      );
      if (!decided) return wrongCode(request, reply);
      return reply.code(204).send(null);
    },
  );
};
