import { NO_STORE } from '../../platform/http/no-store.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import {
  GeneratedPat,
  PatInfoEnvelope,
  ProfileEnvelope,
  RevokedPat,
  UpdateProfileBody,
} from './users.schemas.ts';
import type { RegistryUserService } from './users.service.ts';

/** The registry's answer envelope. */
const succeeded = <T extends object>(payload: T) => ({ success: true as const, ...payload });

/**
 * The agents registry's `/users/…` endpoints. Interactive only, as in the registry's document
 * and like token management (`/api/account/tokens`): a PAT gets 401 `interactive_credential_required`.
 */
export const registryUserRoutes: AppPlugin<{ registryUsers: RegistryUserService }> = async (
  app,
  { registryUsers },
) => {
  const route = declareRoutes(['registry-v1'], 'interactive');
  const owned = ownedResourceRoutes(app, route);

  owned.read(
    '/api/users/profile',
    {
      summary: 'Your profile (agents registry v1 compatibility)',
      operationId: 'registryGetProfile',
      view: ProfileEnvelope,
    },
    async (userId) => succeeded({ profile: await registryUsers.getProfile(userId) }),
  );

  owned.update(
    'PUT',
    '/api/users/profile',
    {
      summary: 'Change your display name (agents registry v1 compatibility)',
      operationId: 'registryUpdateProfile',
      body: UpdateProfileBody,
      view: ProfileEnvelope,
    },
    async (userId, body, context) =>
      succeeded({ profile: await registryUsers.updateProfile(userId, body, context) }),
  );

  owned.read(
    '/api/users/pat',
    {
      summary: 'Describe your newest active personal access token (agents registry v1 compatibility)',
      operationId: 'registryGetPatInfo',
      view: PatInfoEnvelope,
    },
    async (userId) => succeeded({ pat_info: await registryUsers.describePat(userId) }),
  );

  app.post(
    '/api/users/pat/generate',
    route({
      summary: 'Create a personal access token with full agent access; the secret is in this response only',
      description:
        'The same as `POST /api/account/tokens` with scopes `agents:read agents:write` and no expiry (or the longest the policy allows when it requires expiry). Earlier tokens keep working.',
      operationId: 'registryGeneratePat',
      response: { 201: GeneratedPat },
      errors: [409, 415],
    }),
    async (request, reply) => {
      const generated = await registryUsers.generatePat(
        requireIdentity(request).userId,
        requestContext(request),
      );
      return reply.code(201).headers(NO_STORE).send(succeeded(generated));
    },
  );

  app.delete(
    '/api/users/pat/revoke',
    route({
      summary: 'Revoke the token `GET /api/users/pat` describes (agents registry v1 compatibility)',
      operationId: 'registryRevokePat',
      response: { 200: RevokedPat },
      errors: [404],
    }),
    async (request) =>
      succeeded({
        pat_info: await registryUsers.revokePat(requireIdentity(request).userId, requestContext(request)),
      }),
  );
};
