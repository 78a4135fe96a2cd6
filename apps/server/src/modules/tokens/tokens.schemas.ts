import { Type } from 'typebox';
import { SafeMultilineText, SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { RESOURCE_SCOPES, SCOPE_DESCRIPTIONS } from '../credentials/scopes.ts';

export const ScopeSchema = Type.Union(
  RESOURCE_SCOPES.map((scope) => Type.Literal(scope, { description: SCOPE_DESCRIPTIONS[scope] })),
  {
    description:
      'A resource scope of CONTRACT §3; `:write` implies `:read` of the same resource. `account` is never granted to a token',
  },
);

export const TokenStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

export const TokenView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.Literal('personal'), Type.Literal('automation')]),
    preview: Type.String({ description: 'The prefix and first 4 random characters, e.g. `tes_pat_Ab3x…`' }),
    scopes: Type.Array(Type.String()),
    created_at: Timestamp,
    expires_at: NullableTimestamp,
    last_used_at: Type.Union([NullableTimestamp], { description: 'May lag real use by up to 60 seconds' }),
    last_used_ip: Type.Union([Type.String(), Type.Null()]),
    revoked_at: NullableTimestamp,
    status: TokenStatus,
  },
  { $id: 'TokenView' },
);

export const TokenWithSecret = Type.Object({
  token: TokenView,
  secret: Type.String({ description: 'The token itself. Shown exactly once: store it now.' }),
});

const Name = SafeText({ maxLength: 100, description: 'Unique among your active tokens' });
const Description = SafeMultilineText({ maxLength: 1000 });

export const CreateTokenBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: RESOURCE_SCOPES.length, uniqueItems: true }),
    expires_in_days: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description:
          'Days until expiry; `null` for no expiry (if the policy allows it); omitted means 30 days',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RotateTokenBody = Type.Object(
  {
    expires_in_days: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description:
          "Days until the new secret expires, counted from now; `null` for no expiry (if the policy allows it). Omitted: the token's current lifetime again, counted from now, within the server's maximum (a token without expiry keeps none, unless the policy now requires one: then the maximum)",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Optional. An expired token may be rotated too: it becomes active with the new expiry.',
  },
);

export const UpdateTokenBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    scopes: Type.Optional(
      Type.Array(ScopeSchema, {
        minItems: 1,
        maxItems: RESOURCE_SCOPES.length,
        uniqueItems: true,
        description: 'May only shrink',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TokenIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ListTokensQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('all')], {
        default: 'all',
        description: '`active`, `inactive` (expired or revoked) or `all`',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TokenList = Type.Object({ tokens: Type.Array(TokenView) });

export const TokenPolicy = Type.Object({
  max_lifetime_days: Type.Integer(),
  require_expiry: Type.Boolean(),
  default_lifetime_days: Type.Integer(),
  scopes: Type.Array(Type.Object({ id: Type.String(), description: Type.String() })),
});
