import { Type } from 'typebox';

export const AuthorizeQuery = Type.Object(
  {
    response_type: Type.Optional(Type.String({ description: 'Must be `code`' })),
    client_id: Type.Optional(Type.String({ description: 'A registered client, e.g. `tessera-cli`' })),
    redirect_uri: Type.Optional(
      Type.String({
        description:
          'A registered redirect URI; for a registered loopback URI (`http://127.0.0.1/callback`, `http://[::1]/callback`) any port is accepted (RFC 8252 §7.3)',
      }),
    ),
    code_challenge: Type.Optional(
      Type.String({ description: 'base64url(SHA-256(code_verifier)), 43 characters' }),
    ),
    code_challenge_method: Type.Optional(Type.String({ description: 'Must be `S256`; `plain` is refused' })),
    state: Type.Optional(Type.String({ description: 'Returned unchanged with the code' })),
    scope: Type.Optional(
      Type.String({ description: 'Space-separated scopes; defaults to all the client may have' }),
    ),
  },
  { description: 'RFC 6749 §4.1.1 authorization request with PKCE (RFC 7636)' },
);

const RequestId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const AuthorizationRequestParams = Type.Object({ id: RequestId });

export const ClientView = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'What the consent page shows, e.g. "Tessera CLI"' }),
});

export const AuthorizationRequestView = Type.Object({
  id: Type.String(),
  client: ClientView,
  scopes: Type.Array(Type.String(), { description: 'The scopes the client asked for' }),
  redirect_uri: Type.String({ description: 'Where the browser goes after the decision' }),
});

export const DecisionBody = Type.Object(
  { approve: Type.Boolean({ description: 'true to allow the client, false to deny it' }) },
  { additionalProperties: false },
);

export const DecisionResponse = Type.Object({
  redirect_to: Type.String({
    description:
      'Send the browser here (window.location): the client redirect URI with `code`, `state` and `iss`, or with `error=access_denied`',
  }),
});
