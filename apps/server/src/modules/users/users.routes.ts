import { NO_STORE } from '../../platform/http/no-store.ts';
import { type AppPlugin, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { requireIdentity } from '../credentials/identity.ts';
import {
  GeneratedPat,
  PatInfoEnvelope,
  ProfileEnvelope,
  RevokedPat,
  UpdateProfileBody,
} from './users.schemas.ts';
import type { RegistryUserService } from './users.service.ts';

const tags = ['registry-v1'];

/**
 * The agents registry's `/users/…` endpoints. Interactive only, as in the registry's document
 * and like token management (`/api/account/tokens`): a PAT gets 401 `interactive_credential_required`.
 */
export const registryUserRoutes: AppPlugin<{ registryUsers: RegistryUserService }> = async (
  app,
  { registryUsers },
) => {
  app.get(
    '/api/users/profile',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Your profile (agents registry v1 compatibility)',
        operationId: 'registryGetProfile',
        tags,
        response: { 200: ProfileEnvelope, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      success: true as const,
      profile: await registryUsers.getProfile(requireIdentity(request).userId),
    }),
  );

  app.put(
    '/api/users/profile',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Change your display name (agents registry v1 compatibility)',
        operationId: 'registryUpdateProfile',
        tags,
        body: UpdateProfileBody,
        response: { 200: ProfileEnvelope, ...problemResponses(400, 401, 403, 415) },
      },
    },
    async (request) => ({
      success: true as const,
      profile: await registryUsers.updateProfile(
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      ),
    }),
  );

  app.get(
    '/api/users/pat',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Describe your newest active personal access token (agents registry v1 compatibility)',
        operationId: 'registryGetPatInfo',
        tags,
        response: { 200: PatInfoEnvelope, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      success: true as const,
      pat_info: await registryUsers.describePat(requireIdentity(request).userId),
    }),
  );

  app.post(
    '/api/users/pat/generate',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Create a personal access token with full agent access; the secret is in this response only',
        description:
          'The same as `POST /api/account/tokens` with scopes `agents:read agents:write` and no expiry (or the longest the policy allows when it requires expiry). Earlier tokens keep working.',
        operationId: 'registryGeneratePat',
        tags,
        response: { 201: GeneratedPat, ...problemResponses(401, 403, 409, 415) },
      },
    },
    async (request, reply) => {
      const generated = await registryUsers.generatePat(
        requireIdentity(request).userId,
        requestContext(request),
      );
      return reply
        .code(201)
        .headers(NO_STORE)
        .send({ success: true as const, ...generated });
    },
  );

  app.delete(
    '/api/users/pat/revoke',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Revoke the token `GET /api/users/pat` describes (agents registry v1 compatibility)',
        operationId: 'registryRevokePat',
        tags,
        response: { 200: RevokedPat, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      pat_info: await registryUsers.revokePat(requireIdentity(request).userId, requestContext(request)),
    }),
  );
};
