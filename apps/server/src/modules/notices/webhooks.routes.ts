import type { CursorCodec } from '../../platform/cursor-codec.ts';
import { newestFirstPages } from '../../platform/database/newest-first.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
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
  const deliveryPages = newestFirstPages(cursors, 'webhook-deliveries');
  const owned = ownedResourceRoutes(app, declareRoutes(['notices'], 'interactive'));
  const endpoint = owned.at('/api/account/webhooks/:id');

  owned.read(
    '/api/account/webhooks',
    {
      summary: 'List your webhook endpoints',
      operationId: 'listWebhookEndpoints',
      view: WebhookEndpointList,
    },
    async (userId) => ({ endpoints: await webhookService.listEndpoints(userId) }),
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

  endpoint.get(
    { summary: 'One webhook endpoint', operationId: 'getWebhookEndpoint', view: WebhookEndpointView },
    (id, userId) => webhookService.getEndpoint(id, userId),
  );

  endpoint.patch(
    {
      summary: 'Change an endpoint’s URL, description, event filter or enabled state',
      operationId: 'updateWebhookEndpoint',
      body: UpdateWebhookEndpointBody,
      view: WebhookEndpointView,
    },
    (id, userId, body, context) => webhookService.updateEndpoint(id, userId, body, context),
  );

  endpoint.delete(
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

  owned.get(
    '/api/account/webhooks/:id/deliveries',
    {
      summary: 'The delivery log of an endpoint, newest first, with status codes',
      operationId: 'listWebhookDeliveries',
      querystring: WebhookDeliveryQuery,
      view: WebhookDeliveryList,
    },
    async (id, userId, { cursor, limit = 50 }) => {
      const page = await webhookService.listDeliveries(id, userId, limit, deliveryPages.after(cursor));
      return { deliveries: page.deliveries, next_cursor: deliveryPages.next(page.next) };
    },
  );
};
