import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { SCOPES } from '../credentials/scopes.ts';
import {
  GRANT_AUTHORIZATION_CODE,
  GRANT_DEVICE_CODE,
  GRANT_PASSWORD,
  GRANT_REFRESH_TOKEN,
} from './clients.ts';

/**
 * The issuer identifier (RFC 8414 §2): PUBLIC_URL without a trailing slash. It is also sent as
 * `iss` with every authorization response (RFC 9207), so clients can detect mix-up attacks.
 */
export function issuerFor(publicUrl: URL): string {
  return `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}`;
}

/** The endpoints, by their metadata names, as paths below the issuer. */
const ENDPOINTS = {
  authorization_endpoint: '/api/oauth/authorize',
  token_endpoint: '/api/auth/token',
  device_authorization_endpoint: '/api/oauth/device_authorization',
  revocation_endpoint: '/api/oauth/revoke',
};

/** What the server supports, by the metadata names of the lists. */
const SUPPORTED = {
  response_types_supported: ['code'],
  response_modes_supported: ['query'],
  grant_types_supported: [GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, GRANT_PASSWORD],
  code_challenge_methods_supported: ['S256'],
  // Tessera's clients are public native apps (RFC 8252 §8.4): they authenticate with nothing.
  token_endpoint_auth_methods_supported: ['none'],
  revocation_endpoint_auth_methods_supported: ['none'],
  scopes_supported: [...SCOPES],
};

/** A table with the same keys, each value mapped. */
function mapValues<K extends string, V, W>(table: Record<K, V>, map: (value: V) => W): Record<K, W> {
  const mapped = Object.entries<V>(table).map(([key, value]) => [key, map(value)]);
  return Object.fromEntries(mapped) as Record<K, W>;
}

const ServerMetadata = Type.Object(
  {
    issuer: Type.String(),
    ...mapValues(ENDPOINTS, () => Type.String()),
    ...mapValues(SUPPORTED, () => Type.Array(Type.String())),
    authorization_response_iss_parameter_supported: Type.Boolean(),
  },
  { description: 'RFC 8414 authorization server metadata' },
);

/** `GET /.well-known/oauth-authorization-server`: lets standard OAuth clients discover Tessera. */
export const serverMetadataRoutes: AppPlugin<{ config: Pick<Config, 'publicUrl'> }> = async (
  app,
  { config },
) => {
  const issuer = issuerFor(config.publicUrl);
  const metadata = {
    issuer,
    ...mapValues(ENDPOINTS, (path) => `${issuer}${path}`),
    ...SUPPORTED,
    authorization_response_iss_parameter_supported: true,
  };

  app.get(
    '/.well-known/oauth-authorization-server',
    declareRoutes(
      ['oauth'],
      'public',
    )({
      summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
      operationId: 'getOAuthServerMetadata',
      response: { 200: ServerMetadata },
    }),
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return metadata;
    },
  );
};
