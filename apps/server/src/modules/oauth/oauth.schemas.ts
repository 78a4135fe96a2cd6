import { Type } from 'typebox';

export const TokenRequest = Type.Object(
  {
    grant_type: Type.String({
      description:
        '`password`, `refresh_token`, `authorization_code` or `urn:ietf:params:oauth:grant-type:device_code`',
    }),
    client_id: Type.Optional(
      Type.String({ description: 'Defaults to the first-party `tessera-cli` client' }),
    ),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    refresh_token: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    redirect_uri: Type.Optional(Type.String()),
    code_verifier: Type.Optional(Type.String()),
    device_code: Type.Optional(Type.String()),
    scope: Type.Optional(
      Type.String({
        description:
          'Space-separated scopes. Password grant: defaults to every scope, `account` included. ' +
          'Other grants: narrows what was consented to (or what the refresh token holds); asking for more is `invalid_scope`',
      }),
    ),
  },
  { description: 'RFC 6749 token request, form-encoded or JSON' },
);

export const TokenResponseSchema = Type.Object({
  access_token: Type.String({ description: 'A `tes_acc_` token, valid for 900 seconds' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.String({ description: 'A `tes_ref_` token, rotated on every use' }),
  scope: Type.String({
    description:
      'The scopes both tokens hold, space-separated (RFC 6749 §5.1); without `account` the access token cannot manage the account',
  }),
});

export const OAuthErrorSchema = Type.Object(
  { error: Type.String(), error_description: Type.Optional(Type.String()) },
  { $id: 'OAuthError', description: 'RFC 6749 §5.2 error' },
);

export const RevokeRequest = Type.Object({
  token: Type.String(),
  token_type_hint: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
});
