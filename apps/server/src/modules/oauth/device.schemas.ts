import { Type } from 'typebox';
import { ClientView } from './authorization.schemas.ts';

export const DeviceAuthorizationRequest = Type.Object(
  {
    client_id: Type.String({ description: 'A registered client, e.g. `tessera-cli`' }),
    scope: Type.Optional(
      Type.String({ description: 'Space-separated scopes; defaults to all the client may have' }),
    ),
  },
  { description: 'RFC 8628 §3.1 device authorization request, form-encoded or JSON' },
);

export const DeviceAuthorizationResponseSchema = Type.Object({
  device_code: Type.String({ description: 'Secret; the device polls the token endpoint with it' }),
  user_code: Type.String({ description: 'What the user types, e.g. `WDJB-MJHT`' }),
  verification_uri: Type.String({ description: '`<PUBLIC_URL>/device`' }),
  verification_uri_complete: Type.String({ description: 'The same page with the code filled in' }),
  expires_in: Type.Integer({ description: 'Seconds (600)' }),
  interval: Type.Integer({ description: 'Seconds to wait between polls (5)' }),
});

const UserCode = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'As shown on the device; case, dashes and spaces do not matter',
});

export const DeviceLookupBody = Type.Object({ user_code: UserCode }, { additionalProperties: false });

export const DeviceLookupResponse = Type.Object({
  client: ClientView,
  scopes: Type.Array(Type.String()),
  user_code: Type.String({ description: 'The code in its canonical form, e.g. `WDJB-MJHT`' }),
});

export const DeviceDecisionBody = Type.Object(
  { user_code: UserCode, approve: Type.Boolean() },
  { additionalProperties: false },
);
