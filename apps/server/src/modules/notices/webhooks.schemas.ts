import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { ConfigurableNoticeKind, NoticeKindSchema } from './notices.schemas.ts';

const Url = Type.String({
  minLength: 8,
  maxLength: 2000,
  pattern: '^https?://[^\\s]+$',
  description:
    'Where deliveries are POSTed (http or https). Private and loopback addresses are refused unless the operator allows them (WEBHOOK_ALLOWED_PRIVATE_HOSTS).',
});
const Kinds = Type.Array(ConfigurableNoticeKind, {
  maxItems: 32,
  description: 'The event kinds this endpoint receives; empty means every kind',
});
const Description = Type.String({ maxLength: 200 });

export const WebhookEndpointView = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    kinds: Type.Array(NoticeKindSchema),
    enabled: Type.Boolean({
      description: 'A disabled endpoint receives nothing (its pending deliveries fail)',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookEndpoint', description: 'A webhook endpoint. Never its signing secret.' },
);

export const WebhookEndpointList = Type.Object({ endpoints: Type.Array(WebhookEndpointView) });

export const WebhookEndpointWithSecret = Type.Object({
  endpoint: WebhookEndpointView,
  secret: Type.String({
    description:
      'The `whsec_…` signing secret (Standard Webhooks), shown only in this response. Verify `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` with the base64-decoded part after `whsec_`.',
  }),
});

export const CreateWebhookEndpointBody = Type.Object(
  { url: Url, description: Type.Optional(Description), kinds: Type.Optional(Kinds) },
  { additionalProperties: false },
);

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    kinds: Type.Optional(Kinds),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const WebhookDeliveryView = Type.Object(
  {
    id: Type.String(),
    notice_id: Type.String({ description: 'Sent as `webhook-id`; the same on every retry' }),
    kind: NoticeKindSchema,
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
      description: '`pending`: will be (re)tried; `failed`: gave up (24 h of retries, or a final answer)',
    }),
    attempts: Type.Integer(),
    last_status_code: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The HTTP status of the last attempt',
    }),
    last_error: Type.Union([Type.String(), Type.Null()]),
    next_attempt_at: NullableTimestamp,
    created_at: Timestamp,
    delivered_at: NullableTimestamp,
    attempt_log: Type.Array(
      Type.Object({
        attempt: Type.Integer(),
        attempted_at: Timestamp,
        status_code: Type.Union([Type.Integer(), Type.Null()]),
        error: Type.Union([Type.String(), Type.Null()]),
        duration_ms: Type.Integer(),
      }),
      { description: 'The most recent attempts (up to 20), newest first' },
    ),
  },
  { $id: 'WebhookDelivery' },
);

export const WebhookDeliveryList = Type.Object({
  deliveries: Type.Array(WebhookDeliveryView),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const WebhookDeliveryQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
