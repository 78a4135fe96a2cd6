import crypto, { timingSafeEqual } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config, IntrospectionClient } from '../../config.ts';
import { AppError } from '../../platform/errors.ts';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { OAuthError } from '../../platform/oauth-error.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import { canonicalScopes } from '../credentials/scopes.ts';
import { OAuthErrorSchema } from './oauth.schemas.ts';

const IntrospectionRequest = Type.Object({
  token: Type.String({ description: 'The token to describe' }),
  token_type_hint: Type.Optional(Type.String({ description: 'Ignored: every kind is looked up' })),
  client_id: Type.Optional(Type.String({ description: 'client_secret_post: the resource server' })),
  client_secret: Type.Optional(Type.String({ description: 'client_secret_post: its secret' })),
});

const IntrospectionResponse = Type.Object(
  {
    active: Type.Boolean(),
    scope: Type.Optional(Type.String({ description: 'Space-separated granted scopes' })),
    sub: Type.Optional(Type.String({ description: 'The user the token belongs to' })),
    exp: Type.Optional(Type.Integer({ description: 'Expiry, seconds since the epoch; absent for none' })),
    token_type: Type.Optional(Type.Literal('Bearer')),
    client_id: Type.Optional(
      Type.String({ description: 'Access tokens: the OAuth client it was issued to' }),
    ),
    token_kind: Type.Optional(
      Type.Union([Type.Literal('personal_access_token'), Type.Literal('access_token')], {
        description: 'Which Tessera credential it is',
      }),
    ),
  },
  { description: 'RFC 7662 §2.2; `{ "active": false }` alone for anything but a live PAT or access token' },
);

/**
 * The registered resource server a request authenticates as (HTTP Basic or client_secret_post),
 * or undefined. Secrets are compared as SHA-256 digests with timingSafeEqual, and an unknown
 * client id costs the same comparison as a known one (ADR 0032).
 */
export function authenticateIntrospectionClient(
  clients: readonly IntrospectionClient[],
  authorization: string | undefined,
  body: { client_id?: string; client_secret?: string },
): IntrospectionClient | undefined {
  let id: string | undefined;
  let secret: string | undefined;
  if (authorization !== undefined) {
    const match = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    try {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
    // One method per request (RFC 6749 §2.3).
    if (body.client_secret !== undefined) return undefined;
  } else {
    id = body.client_id;
    secret = body.client_secret;
  }
  if (!id || secret === undefined) return undefined;
  const presented = crypto.hash('sha256', secret, 'buffer') as unknown as Buffer;
  const client = clients.find((c) => c.id === id);
  const expected = client?.secretHash ?? DUMMY_HASH;
  const same = timingSafeEqual(presented, expected);
  return client && same ? client : undefined;
}

const DUMMY_HASH = Buffer.alloc(32);

const CLIENT_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export const introspectionRoutes: AppPlugin<{
  credentials: Pick<CredentialService, 'introspectToken'>;
  config: Pick<Config, 'introspectionClients' | 'rateLimits'>;
}> = async (app, { credentials, config }) => {
  /*
   * Three counters in @fastify/rate-limit's store (shared through Redis across instances):
   * every request per address (the route's own limit), failed client authentications per
   * address (checked before authenticating, so a prober is cut off whatever it tries next), and
   * authenticated requests per client id (one resource server cannot starve the others).
   */
  const failuresPerAddress = app.createRateLimit({
    max: config.rateLimits.introspectionFailuresPerIp,
    timeWindow: CLIENT_FAILURE_WINDOW_MS,
    keyGenerator: (request) => `introspect-failures:${normalizeIP(request.ip)}`,
  });
  const perClient = new Map<string, ReturnType<typeof app.createRateLimit>>();
  const clientLimit = (clientId: string) => {
    let limit = perClient.get(clientId);
    if (!limit) {
      limit = app.createRateLimit({
        max: config.rateLimits.introspectionPerMinute,
        timeWindow: 60_000,
        keyGenerator: () => `introspect-client:${clientId}`,
      });
      perClient.set(clientId, limit);
    }
    return limit;
  };
  const tooMany = (limit: { max: number; ttlInSeconds: number }, what: string) => {
    const retryAfter = String(Math.max(1, limit.ttlInSeconds));
    return new AppError('rate_limited', `${what}; try again in ${retryAfter} s.`, {
      headers: {
        'retry-after': retryAfter,
        'x-ratelimit-limit': String(limit.max),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(limit.ttlInSeconds),
      },
    });
  };
  async function refuseWhenProbing(request: FastifyRequest) {
    const limit = await failuresPerAddress(request, { increment: false });
    if (!limit.isAllowed && limit.remaining <= 0)
      throw tooMany(limit, 'Too many failed client authentications from this address');
  }

  app.post(
    '/api/oauth/introspect',
    {
      config: {
        auth: 'public',
        oauthErrors: true,
        rateLimit: { max: config.rateLimits.introspectionPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        summary: 'Token introspection for registered resource servers (RFC 7662)',
        description:
          'A resource server registered by the operator (INTROSPECTION_CLIENTS, ADR 0032) authenticates with HTTP Basic or client_secret_post and learns whether a personal access token or OAuth access token is live, its scopes, owner and expiry. Anything else is `{ "active": false }`, without saying why. An unregistered client or a wrong secret gets 401 `invalid_client`. Rate-limited (429 `rate_limited` problem details with Retry-After, like the token endpoint): RATE_LIMIT_INTROSPECTION_PER_MINUTE requests per address and per client, and RATE_LIMIT_INTROSPECTION_FAILURES_PER_IP failed client authentications per address per 15 minutes, after which that address is refused whatever it sends.',
        operationId: 'introspectToken',
        tags: ['oauth'],
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: IntrospectionRequest,
        response: {
          200: IntrospectionResponse,
          400: OAuthErrorSchema,
          401: OAuthErrorSchema,
          ...problemResponses(429),
        },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const strings = {
        client_id: typeof body.client_id === 'string' ? body.client_id : undefined,
        client_secret: typeof body.client_secret === 'string' ? body.client_secret : undefined,
      };
      await refuseWhenProbing(request);
      const client = authenticateIntrospectionClient(
        config.introspectionClients,
        request.headers.authorization,
        strings,
      );
      if (!client) {
        await failuresPerAddress(request);
        throw new OAuthError('invalid_client', 'Client authentication failed.', 401, {
          'www-authenticate': 'Basic realm="tessera-introspection"',
        });
      }
      const used = await clientLimit(client.id)(request);
      if (!used.isAllowed && used.isExceeded)
        throw tooMany(used, `Too many introspection requests by client ${client.id}`);
      if (request.validationError || typeof body.token !== 'string')
        throw new OAuthError('invalid_request', 'The token parameter is required.');
      const record = await credentials.introspectToken(body.token);
      reply.headers(NO_STORE);
      if (!record) return { active: false };
      return {
        active: true,
        scope: canonicalScopes(record.scopes).join(' '),
        sub: record.userId,
        ...(record.expiresAt ? { exp: Math.floor(record.expiresAt.getTime() / 1000) } : {}),
        token_type: 'Bearer' as const,
        ...(record.kind === 'access' && record.clientId ? { client_id: record.clientId } : {}),
        token_kind: record.kind === 'access' ? ('access_token' as const) : ('personal_access_token' as const),
      };
    },
  );
};
