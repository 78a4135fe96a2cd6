import { Type } from 'typebox';
import { SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.ts';

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
  },
  { $id: 'User' },
);

const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'E-mail address (case-insensitive)',
});
const Password = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters; any characters, never truncated or case-folded`,
});

export const SignUpBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(SafeText({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const LogInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);

export const UserEnvelope = Type.Object({ user: User });

export const Me = Type.Object({
  user: User,
  credential: Type.Object({
    kind: Type.Union(
      [Type.Literal('session'), Type.Literal('access'), Type.Literal('personal'), Type.Literal('automation')],
      { description: 'How the request was authenticated' },
    ),
    scopes: Type.Array(Type.String()),
    token_id: Type.Optional(Type.String()),
    expires_at: Type.Optional(NullableTimestamp),
  }),
});

export const DeleteAccountBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) },
  { additionalProperties: false },
);
