import { Type } from 'typebox';
import { Timestamp } from '../../platform/http/schemas.ts';
import { AUDIT_ACTIONS } from './audit-actions.ts';
import { AUDIT_TARGET_TYPES } from './audit-target-types.ts';

export const AuditActionSchema = Type.Enum(AUDIT_ACTIONS, {
  $id: 'AuditAction',
  description: 'What happened: the closed, append-only list of audit actions',
});

export const AuditTargetTypeSchema = Type.Enum(AUDIT_TARGET_TYPES, {
  $id: 'AuditTargetType',
  description: 'What the event is about (`target_id` names it): the closed, append-only list of target types',
});

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    action: AuditActionSchema,
    outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    target_type: Type.Union([AuditTargetTypeSchema, Type.Null()]),
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
  action: Type.Optional(
    Type.String({
      maxLength: 2000,
      pattern: '^[a-z_.]+(,[a-z_.]+)*$',
      description:
        'Only these actions: one action or a comma-separated list, e.g. `token.created,token.revoked`',
    }),
  ),
  target_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Only events about this object, e.g. a token id or a provider account id',
    }),
  ),
});

export const AuditLogPage = Type.Object({
  events: Type.Array(AuditEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
