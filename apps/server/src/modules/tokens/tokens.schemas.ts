import { Type } from 'typebox';
import { SafeMultilineText, SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { MAX_ALLOWED_CIDRS } from '../credentials/network-policy.ts';
import { RESOURCE_SCOPES, SCOPE_DESCRIPTIONS } from '../credentials/scopes.ts';

export const ScopeSchema = Type.Union(
  RESOURCE_SCOPES.map((scope) => Type.Literal(scope, { description: SCOPE_DESCRIPTIONS[scope] })),
  {
    description:
      'A resource scope of docs/api.md §3; `:write` implies `:read` of the same resource. `account` is never granted to a token',
  },
);

export const TokenStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

export const MAX_OVERLAP_MINUTES = 24 * 60;
export const DEFAULT_OVERLAP_MINUTES = 60;

export const RotatedOutUse = Type.Union([Type.Literal('notify'), Type.Literal('revoke')], {
  description:
    'What presenting a secret this token was rotated away from does. Always refused and recorded in the security log (which notifies you); `revoke` also revokes the token, since someone still holds an old secret. Default: `revoke` for tokens that may rotate themselves, `notify` otherwise',
});

const OverlapDeadlineMinutes = Type.Integer({
  minimum: 1,
  maximum: MAX_OVERLAP_MINUTES,
  description: `With \`overlap: until_first_use\`: the old secret stops working after this many minutes even if the new one is never used (at most ${MAX_OVERLAP_MINUTES}; default ${DEFAULT_OVERLAP_MINUTES})`,
});

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
    old_secret_valid_until: Type.Union([NullableTimestamp], {
      description:
        'While a rotation overlap runs ("rotating"): until when the old secret still works. It ends sooner, on every instance, at the first use of the new secret. null otherwise (ADR 0029)',
    }),
    on_rotated_out_use: RotatedOutUse,
    allow_self_rotation: Type.Boolean({
      description: 'Whether the token may rotate itself through `POST /api/tokens/self/rotate` (ADR 0030)',
    }),
    repo_ids: Type.Union([Type.Array(Type.String()), Type.Null()], {
      description:
        'The repositories its repos:* and tasks:* scopes are limited to; `null`: every repository of the owner',
    }),
    allowed_cidrs: Type.Union([Type.Array(Type.String()), Type.Null()], {
      description:
        'The networks (IPv4/IPv6 CIDRs) it may be used from; `null`: any network. Elsewhere it gets 403 `network_not_allowed`',
    }),
  },
  { $id: 'TokenView' },
);

export const TokenWithSecret = Type.Object({
  token: TokenView,
  secret: Type.String({ description: 'The token itself. Shown exactly once: store it now.' }),
});

export const MAX_REPO_IDS = 100;

/** A restriction of the token: a non-empty list of distinct values, or `null` for none. */
function Restriction(maxItems: number, description: string) {
  return Type.Union(
    [
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems, uniqueItems: true }),
      Type.Null(),
    ],
    { description },
  );
}

const RepoIds = Restriction(
  MAX_REPO_IDS,
  "Limit the token's repos:* and tasks:* scopes to these of your repositories (ids from `GET /api/repos`); outside them every repository and task-group route answers 404 and lists leave them out. `null` or omitted: every repository. Needs a repos:* or tasks:* scope",
);

const AllowedCidrs = Restriction(
  MAX_ALLOWED_CIDRS,
  'Only accept the token from these networks (IPv4/IPv6 CIDRs such as `203.0.113.0/24`, `2001:db8::/48`); requests from elsewhere get 403 `network_not_allowed`. `null` or omitted: any network',
);

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
    allow_self_rotation: Type.Optional(
      Type.Boolean({
        description:
          'Let the token rotate itself (`POST /api/tokens/self/rotate`): same scopes, lifetime within the policy, overlap until first use. Default false',
      }),
    ),
    on_rotated_out_use: Type.Optional(RotatedOutUse),
    repo_ids: Type.Optional(RepoIds),
    allowed_cidrs: Type.Optional(AllowedCidrs),
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
    overlap: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('until_first_use')], {
        default: 'none',
        description:
          '`none`: the old secret stops working at once. `until_first_use`: both secrets work until the new one is first used (then the old one stops everywhere) or until the deadline, whichever comes first',
      }),
    ),
    overlap_deadline_minutes: Type.Optional(OverlapDeadlineMinutes),
  },
  {
    additionalProperties: false,
    description: 'Optional. An expired token may be rotated too: it becomes active with the new expiry.',
  },
);

export const SelfRotateBody = Type.Object(
  { overlap_deadline_minutes: Type.Optional(OverlapDeadlineMinutes) },
  {
    additionalProperties: false,
    description:
      'Optional. Scopes, restrictions and settings cannot be changed here; the expiry is the current lifetime again from now, within the policy',
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
    on_rotated_out_use: Type.Optional(RotatedOutUse),
    allow_self_rotation: Type.Optional(Type.Boolean()),
    repo_ids: Type.Optional(RepoIds),
    allowed_cidrs: Type.Optional(AllowedCidrs),
  },
  { additionalProperties: false, minProperties: 1 },
);

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
  max_overlap_minutes: Type.Integer({ description: 'The longest rotation overlap a deadline may ask for' }),
  scopes: Type.Array(Type.Object({ id: Type.String(), description: Type.String() })),
});

export const TokenNetworkList = Type.Object({
  networks: Type.Array(
    Type.Object({
      network: Type.String({
        description: 'The /24 (IPv4) or /64 (IPv6) the token was used from, e.g. `203.0.113.0/24`',
      }),
      first_seen_at: Timestamp,
      last_seen_at: Timestamp,
      last_ip: Type.Union([Type.String(), Type.Null()], { description: 'The last address seen in it' }),
      uses: Type.Integer(),
    }),
    {
      description:
        'The last 10 distinct source networks of successful uses, most recent first. Recorded in batches: may lag by a few seconds',
    },
  ),
});

export const TokenUsage = Type.Object({
  days: Type.Integer({ description: 'The window: the last 30 days, today included (UTC)' }),
  since: Type.String({ format: 'date', description: 'The first UTC day of the window' }),
  granted: Type.Array(Type.String()),
  used: Type.Array(
    Type.Object({
      scope: Type.String({ description: 'A scope a request with this token needed and was granted' }),
      uses: Type.Integer(),
      last_used_on: Type.String({ format: 'date' }),
    }),
  ),
  suggested_scopes: Type.Array(Type.String(), {
    description:
      'The smallest grant that covers what was used (`:write` kept only where a write was used). Empty when nothing was used. Apply with `PATCH /api/account/tokens/{id}` `{ scopes }`',
  }),
  reducible: Type.Boolean({
    description: 'Whether `suggested_scopes` is non-empty and smaller than the grant',
  }),
});
