import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';
import { IdParams, perMinute } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhooks.schemas.ts';
import type { WebhookService } from './webhooks.service.ts';

export const webhookRoutes: AppPlugin<{ webhookService: WebhookService; cursors: CursorCodec }> = async (
  app,
  { webhookService, cursors },
) => {
  const deliveryCursor = cursors.define('webhook-deliveries', {
    at: cursorFields.timestamp(),
    id: cursorFields.id(),
  });
  const route = declareRoutes(['notices'], 'interactive');
  const owned = ownedResourceRoutes(app, route);

  app.get(
    '/api/account/webhooks',
    route({
      summary: 'List your webhook endpoints',
      operationId: 'listWebhookEndpoints',
      response: { 200: WebhookEndpointList },
    }),
    async (request) => ({ endpoints: await webhookService.listEndpoints(requireIdentity(request).userId) }),
  );

  owned.create(
    '/api/account/webhooks',
    {
      summary: 'Add a webhook endpoint; the response shows its signing secret once',
      operationId: 'createWebhookEndpoint',
      body: CreateWebhookEndpointBody,
      view: WebhookEndpointWithSecret,
      errors: [422],
      noStore: true,
    },
    (userId, body, context) => webhookService.createEndpoint(userId, body, context),
  );

  owned.get(
    '/api/account/webhooks/:id',
    { summary: 'One webhook endpoint', operationId: 'getWebhookEndpoint', view: WebhookEndpointView },
    (id, userId) => webhookService.getEndpoint(id, userId),
  );

  owned.patch(
    '/api/account/webhooks/:id',
    {
      summary: 'Change an endpoint’s URL, description, event filter or enabled state',
      operationId: 'updateWebhookEndpoint',
      body: UpdateWebhookEndpointBody,
      view: WebhookEndpointView,
    },
    (id, userId, body, context) => webhookService.updateEndpoint(id, userId, body, context),
  );

  owned.delete(
    '/api/account/webhooks/:id',
    {
      summary: 'Delete an endpoint (its pending deliveries are dropped)',
      operationId: 'deleteWebhookEndpoint',
      outcome: 'Deleted',
    },
    (id, userId, context) => webhookService.deleteEndpoint(id, userId, context),
  );

  owned.post(
    '/api/account/webhooks/:id/rotate-secret',
    {
      summary: 'Replace the signing secret; the new one is shown once and signs every delivery from now on',
      operationId: 'rotateWebhookSecret',
      view: WebhookEndpointWithSecret,
      noStore: true,
    },
    (id, userId, context) => webhookService.rotateSecret(id, userId, context),
  );

  owned.post(
    '/api/account/webhooks/:id/test',
    {
      config: { rateLimit: perMinute(10) },
      summary:
        'Send a `webhook.test` event to this endpoint now and return the delivery with its status code',
      operationId: 'sendWebhookTestEvent',
      view: WebhookDeliveryView,
    },
    (id, userId) => webhookService.sendTestEvent(id, userId),
  );

  app.get(
    '/api/account/webhooks/:id/deliveries',
    route({
      summary: 'The delivery log of an endpoint, newest first, with status codes',
      operationId: 'listWebhookDeliveries',
      params: IdParams,
      querystring: WebhookDeliveryQuery,
      response: { 200: WebhookDeliveryList },
    }),
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
