import { Type } from 'typebox';
import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { requireIdentity } from '../credentials/identity.ts';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookEndpointList,
  WebhookEndpointParams,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhooks.schemas.ts';
import type { WebhookService } from './webhooks.service.ts';

const tags = ['notices'];

export const webhookRoutes: AppPlugin<{ webhookService: WebhookService; cursors: CursorCodec }> = async (
  app,
  { webhookService, cursors },
) => {
  const deliveryCursor = cursors.define('webhook-deliveries', {
    at: cursorFields.timestamp(),
    id: cursorFields.id(),
  });
  const auth = 'interactive' as const;

  app.get(
    '/api/account/webhooks',
    {
      config: { auth },
      schema: {
        summary: 'List your webhook endpoints',
        operationId: 'listWebhookEndpoints',
        tags,
        response: { 200: WebhookEndpointList, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ endpoints: await webhookService.listEndpoints(requireIdentity(request).userId) }),
  );

  app.post(
    '/api/account/webhooks',
    {
      config: { auth },
      schema: {
        summary: 'Add a webhook endpoint; the response shows its signing secret once',
        operationId: 'createWebhookEndpoint',
        tags,
        body: CreateWebhookEndpointBody,
        response: { 201: WebhookEndpointWithSecret, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .headers(NO_STORE)
        .send(
          await webhookService.createEndpoint(
            requireIdentity(request).userId,
            request.body,
            requestContext(request),
          ),
        ),
  );

  app.get(
    '/api/account/webhooks/:id',
    {
      config: { auth },
      schema: {
        summary: 'One webhook endpoint',
        operationId: 'getWebhookEndpoint',
        tags,
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpointView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => webhookService.getEndpoint(request.params.id, requireIdentity(request).userId),
  );

  app.patch(
    '/api/account/webhooks/:id',
    {
      config: { auth },
      schema: {
        summary: 'Change an endpoint’s URL, description, event filter or enabled state',
        operationId: 'updateWebhookEndpoint',
        tags,
        params: WebhookEndpointParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: WebhookEndpointView, ...problemResponses(400, 401, 403, 404, 415) },
      },
    },
    async (request) =>
      webhookService.updateEndpoint(
        request.params.id,
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      ),
  );

  app.delete(
    '/api/account/webhooks/:id',
    {
      config: { auth },
      schema: {
        summary: 'Delete an endpoint (its pending deliveries are dropped)',
        operationId: 'deleteWebhookEndpoint',
        tags,
        params: WebhookEndpointParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhookService.deleteEndpoint(
        request.params.id,
        requireIdentity(request).userId,
        requestContext(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/account/webhooks/:id/rotate-secret',
    {
      config: { auth },
      schema: {
        summary: 'Replace the signing secret; the new one is shown once and signs every delivery from now on',
        operationId: 'rotateWebhookSecret',
        tags,
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpointWithSecret, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .headers(NO_STORE)
        .send(
          await webhookService.rotateSecret(
            request.params.id,
            requireIdentity(request).userId,
            requestContext(request),
          ),
        ),
  );

  app.post(
    '/api/account/webhooks/:id/test',
    {
      config: { auth, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        summary:
          'Send a `webhook.test` event to this endpoint now and return the delivery with its status code',
        operationId: 'sendWebhookTestEvent',
        tags,
        params: WebhookEndpointParams,
        response: { 200: WebhookDeliveryView, ...problemResponses(401, 403, 404, 429) },
      },
    },
    async (request) => webhookService.sendTestEvent(request.params.id, requireIdentity(request).userId),
  );

  app.get(
    '/api/account/webhooks/:id/deliveries',
    {
      config: { auth },
      schema: {
        summary: 'The delivery log of an endpoint, newest first, with status codes',
        operationId: 'listWebhookDeliveries',
        tags,
        params: WebhookEndpointParams,
        querystring: WebhookDeliveryQuery,
        response: { 200: WebhookDeliveryList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { cursor, limit = 50 } = request.query;
      const position = cursor === undefined ? undefined : deliveryCursor.decode(cursor);
      const page = await webhookService.listDeliveries(
        request.params.id,
        requireIdentity(request).userId,
        limit,
        position ? { createdAt: position.at, id: position.id } : undefined,
      );
      return {
        deliveries: page.deliveries,
        next_cursor: page.next ? deliveryCursor.encode({ at: page.next.createdAt, id: page.next.id }) : null,
      };
    },
  );
};
