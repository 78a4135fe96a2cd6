import { type AppPlugin, iso, problemResponses } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { requireIdentity } from '../credentials/identity.ts';
import type { ProviderAccountRow } from './provider-accounts.repository.ts';
import {
  CreateProviderAccountBody,
  ProviderAccount,
  ProviderAccountList,
  ProviderAccountParams,
  ProviderAccountTest,
  ProviderCheckRefusal,
  ProviderRepositoryList,
  UpdateProviderAccountBody,
} from './provider-accounts.schemas.ts';
import { checkView, type ProviderAccountService } from './provider-accounts.service.ts';

const TAGS = ['provider-accounts'];

export const providerAccountRoutes: AppPlugin<{ providerAccountService: ProviderAccountService }> = async (
  app,
  { providerAccountService: service },
) => {
  // Only what the response schema declares leaves the server: never the ciphertext, never the token.
  const view = (row: ProviderAccountRow) => ({
    id: row.id,
    provider: row.provider,
    name: row.name,
    base_url: service.baseUrlOf(row),
    username: row.username ?? row.login,
    token_preview: row.token_preview,
    status: row.status,
    last_checked_at: iso(row.last_checked_at),
    created_at: iso(row.created_at),
  });

  app.get(
    '/api/provider-accounts',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'List your provider accounts (GitHub, GitLab, Bitbucket); tokens are never shown',
        operationId: 'listProviderAccounts',
        tags: TAGS,
        response: { 200: ProviderAccountList, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      accounts: (await service.listAccounts(requireIdentity(request).userId)).map(view),
    }),
  );

  app.post(
    '/api/provider-accounts',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Test a provider token, then store it (encrypted)',
        description:
          'The token is checked against the provider first. When the provider refuses it, it lacks a needed scope or the provider cannot be reached, nothing is stored and the answer is 422 `policy_violation` with the outcome in `check`; `force: true` stores it anyway, with the outcome in `status`.',
        operationId: 'createProviderAccount',
        tags: TAGS,
        body: CreateProviderAccountBody,
        response: {
          201: ProviderAccount,
          ...problemResponses(400, 401, 403, 415),
          422: ProviderCheckRefusal,
        },
      },
    },
    async (request, reply) => {
      const row = await service.createAccount(
        requireIdentity(request).userId,
        request.body,
        requestContext(request),
      );
      return reply.code(201).send(view(row));
    },
  );

  app.patch(
    '/api/provider-accounts/:id',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Rename a provider account or replace its (rotated) token',
        description:
          'A replacement token is tested first; when the check fails the old token is kept and the answer is 422 `policy_violation` with the outcome in `check`, unless `force: true`.',
        operationId: 'updateProviderAccount',
        tags: TAGS,
        params: ProviderAccountParams,
        body: UpdateProviderAccountBody,
        response: {
          200: ProviderAccount,
          ...problemResponses(400, 401, 403, 404, 415),
          422: ProviderCheckRefusal,
        },
      },
    },
    async (request) =>
      view(
        await service.updateAccount(
          requireIdentity(request).userId,
          request.params.id,
          request.body,
          requestContext(request),
        ),
      ),
  );

  app.delete(
    '/api/provider-accounts/:id',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Delete a provider account and its stored token',
        operationId: 'deleteProviderAccount',
        tags: TAGS,
        params: ProviderAccountParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.removeAccount(
        requireIdentity(request).userId,
        request.params.id,
        requestContext(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/provider-accounts/:id/test',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'Check the stored token against the provider',
        description:
          'Answers 200 with `ok: false` and an error code when the provider refuses the token or cannot be reached.',
        operationId: 'testProviderAccount',
        tags: TAGS,
        params: ProviderAccountParams,
        response: { 200: ProviderAccountTest, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const result = await service.testAccount(
        requireIdentity(request).userId,
        request.params.id,
        requestContext(request),
      );
      return checkView(result);
    },
  );

  app.get(
    '/api/provider-accounts/:id/repositories',
    {
      config: { auth: 'interactive' },
      schema: {
        summary: 'List the repositories the stored token can see',
        operationId: 'listProviderRepositories',
        tags: TAGS,
        params: ProviderAccountParams,
        response: { 200: ProviderRepositoryList, ...problemResponses(401, 403, 404, 502) },
      },
    },
    async (request) => ({
      repositories: await service.listRepositories(
        requireIdentity(request).userId,
        request.params.id,
        requestContext(request),
      ),
    }),
  );
};
