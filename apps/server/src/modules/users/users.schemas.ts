import { Type } from 'typebox';
import { SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';

/**
 * The agents registry's documented account endpoints (`/users/…`), in the document's own shapes
 * (snake_case, a `success` flag), so that clients written against it work with base URL
 * `https://HOST/api` (docs/api.md §4, ADR 0018).
 */

const Success = Type.Literal(true, { description: 'Always `true` on success; errors are problem+json' });

export const RegistryProfile = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
});

export const ProfileEnvelope = Type.Object({ success: Success, profile: RegistryProfile });

export const UpdateProfileBody = Type.Object(
  {
    name: Type.Union([SafeText({ maxLength: 100 }), Type.Null()], {
      description: 'Display name; `null` clears it',
    }),
  },
  { additionalProperties: false },
);

export const PatInfo = Type.Object(
  {
    has_pat: Type.Boolean({ description: 'Whether you have an active personal access token' }),
    created_at: NullableTimestamp,
    last_used: Type.Union([NullableTimestamp], { description: 'May lag real use by up to 60 seconds' }),
    pat_preview: Type.Union([Type.String(), Type.Null()], {
      description: 'The prefix and first 4 random characters, e.g. `tes_pat_Ab3x…`',
    }),
    token_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The token under `/api/account/tokens/{id}` (a Tessera addition)',
    }),
    expires_at: Type.Union([NullableTimestamp], {
      description: '`null`: no expiry (a Tessera addition)',
    }),
  },
  {
    description: 'Your newest active personal access token; `has_pat: false` and nulls when you have none',
  },
);

export const PatInfoEnvelope = Type.Object({ success: Success, pat_info: PatInfo });

export const GeneratedPat = Type.Object({
  success: Success,
  pat: Type.String({ description: 'The token itself (`tes_pat_…`, 54 characters). Shown exactly once.' }),
  pat_info: PatInfo,
});

export const RevokedPat = Type.Object({
  success: Success,
  pat_info: Type.Object(
    { token_id: Type.String(), pat_preview: Type.String() },
    { description: 'The token that was revoked' },
  ),
});
