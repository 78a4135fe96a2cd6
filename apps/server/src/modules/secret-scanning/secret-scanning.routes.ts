import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { jsonBodyParserKeepingRaw } from '../../platform/http/body-parsers.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import type { GitHubKeyring } from './github-public-keys.ts';
import type { LeakReport, SecretScanningService } from './secret-scanning.service.ts';

const LeakReports = Type.Array(
  Type.Object({
    token: Type.String({ maxLength: 1000 }),
    type: Type.String({ maxLength: 200 }),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    source: Type.Optional(Type.String({ maxLength: 200 })),
  }),
  { maxItems: 1000, description: "GitHub's secret-scanning partner alert" },
);

const LeakLabels = Type.Array(
  Type.Object({
    token_raw: Type.String(),
    token_type: Type.String(),
    label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
  }),
);

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export const secretScanningRoutes: AppPlugin<{
  service: SecretScanningService;
  keyring: GitHubKeyring;
  perMinute: number;
}> = async (app, { service, keyring, perMinute: requestsPerMinute }) => {
  // The signature covers the exact bytes GitHub sent, so this route keeps the raw body (in this
  // plugin's scope only; the shared parser's rules still apply).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    jsonBodyParserKeepingRaw(app, (request, raw) => {
      request.rawBody = raw;
    }),
  );

  app.post(
    '/api/secret-scanning/github',
    declareRoutes(['leak-response'], 'public')(
      {
        config: { rateLimit: perMinute(requestsPerMinute) },
        summary: "Receive GitHub's secret-scanning alerts; leaked Tessera tokens are revoked",
        operationId: 'receiveGitHubSecretScanningAlert',
        headers: Type.Object({
          'github-public-key-identifier': Type.String({ minLength: 1, maxLength: 200 }),
          'github-public-key-signature': Type.String({ minLength: 1, maxLength: 1000 }),
        }),
        body: LeakReports,
        response: { 200: LeakLabels },
        // 401: the signature does not verify.
        errors: [401, 413],
      },
      { bodyLimit: 5 * 1024 * 1024 },
    ),
    async (request) => {
      const keyId = request.headers['github-public-key-identifier'] as string;
      const signature = request.headers['github-public-key-signature'] as string;
      if (!(await keyring.verifySignature(request.rawBody ?? '', keyId, signature))) {
        throw new AppError('unauthenticated', 'The alert signature could not be verified.');
      }
      return service.handleLeaks(request.body as LeakReport[], requestContext(request));
    },
  );
};
