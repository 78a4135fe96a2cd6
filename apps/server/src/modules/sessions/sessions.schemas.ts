import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../accounts/password.ts';

export const SessionView = Type.Object(
  {
    id: Type.String({
      description: 'The web session id, or for an app sign-in the id of its refresh-token family',
    }),
    type: Type.Union([Type.Literal('web'), Type.Literal('app')], {
      description: '`web`: a browser session (cookie); `app`: an OAuth sign-in of a native client',
    }),
    client_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The OAuth client of an app sign-in; null for web sessions',
    }),
    user_agent: Type.Union([Type.String(), Type.Null()], {
      description: 'The User-Agent that signed in (for an app: that last refreshed), up to 512 characters',
    }),
    created_at: Type.Union([Timestamp], { description: 'When this sign-in happened' }),
    last_used_at: Type.Union([NullableTimestamp], { description: 'May lag real use by up to 60 seconds' }),
    last_used_ip: Type.Union([Type.String(), Type.Null()]),
    expires_at: Type.Union([Timestamp], {
      description: 'Web sessions slide: every use moves the end to 30 days later',
    }),
    current: Type.Boolean({ description: 'True for the session or app sign-in that made this request' }),
  },
  { $id: 'SessionView', description: 'An active web session or app sign-in. Never a token or its hash.' },
);

export const SessionList = Type.Object({ sessions: Type.Array(SessionView) });

const ConfirmPassword = Type.String({
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH,
  description: 'Your current password: ending another sign-in needs you to confirm who you are',
});

export const RevokeSessionBody = Type.Object(
  { password: Type.Optional(ConfirmPassword) },
  {
    additionalProperties: false,
    description: 'Needed to end another sign-in; ending your own (signing out) needs no password',
  },
);

export const RevokeOtherSessionsBody = Type.Object(
  { password: ConfirmPassword },
  { additionalProperties: false },
);

export const RevokedCount = Type.Object({
  revoked: Type.Integer({ description: 'How many web sessions and app sign-ins were ended' }),
});

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    new_password: Type.String({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common password, not the current one`,
    }),
  },
  { additionalProperties: false },
);
