import { Type } from 'typebox';
import { Timestamp } from '../../platform/http/schemas.ts';

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    action: Type.String({ description: 'What happened, e.g. `token.created`, `auth.login`' }),
    outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    target_type: Type.Union([Type.String(), Type.Null()]),
    target_id: Type.Union([Type.String(), Type.Null()]),
    actor_credential_id: Type.Union([Type.String(), Type.Null()]),
    actor_kind: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    created_at: Timestamp,
  },
  { $id: 'AuditEvent' },
);

export const AuditLogQuery = Type.Object({
  cursor: Type.Optional(
    Type.String({ maxLength: 64, description: 'The `next_cursor` of the previous page' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

export const AuditLogPage = Type.Object({
  events: Type.Array(AuditEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
