import { Type } from 'typebox';
import { perMinute } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import type { SecretScanningService } from './secret-scanning.service.ts';

export const MAX_REVOKE_BY_VALUE = 1000;

const RevokeByValueBody = Type.Object(
  {
    credentials: Type.Array(
      Type.String({ minLength: 1, maxLength: 200, description: 'A token string as found, e.g. `tes_pat_…`' }),
      {
        minItems: 1,
        maxItems: MAX_REVOKE_BY_VALUE,
        description: `Up to ${MAX_REVOKE_BY_VALUE} strings; anything that is not a Tessera token is ignored`,
      },
    ),
  },
  { additionalProperties: false },
);

const RevokeByValueAnswer = Type.Object(
  {
    received: Type.Integer({ description: 'How many strings the request carried' }),
  },
  {
    description:
      'The same answer whether or not any string was a live token, so the endpoint cannot be used to test tokens',
  },
);

/**
 * `POST /api/credentials/revoke`: anyone who finds Tessera tokens (in a repository, a log, a
 * paste) may revoke them without an account, like GitHub's credential revocation API. Holding a
 * secret is the authority to end it; the answer never says what was found (ADR 0011, amended).
 */
export const revokeByValueRoutes: AppPlugin<{ service: SecretScanningService; perMinute: number }> = async (
  app,
  { service, perMinute: requestsPerMinute },
) => {
  app.post(
    '/api/credentials/revoke',
    declareRoutes(['leak-response'], 'public')(
      {
        config: { rateLimit: perMinute(requestsPerMinute) },
        summary:
          'Revoke Tessera tokens you found, by value (no account needed): every live token among them is revoked and its owner told. The answer is the same whether or not any was a token',
        operationId: 'revokeCredentialsByValue',
        body: RevokeByValueBody,
        response: { 202: RevokeByValueAnswer },
        errors: [413],
      },
      { bodyLimit: 256 * 1024 },
    ),
    async (request, reply) => {
      const { credentials } = request.body;
      const revoked = await service.revokeByValue(credentials, requestContext(request));
      if (revoked > 0) request.log.info({ revoked }, 'credentials revoked by value');
      return reply.code(202).send({ received: credentials.length });
    },
  );
};
