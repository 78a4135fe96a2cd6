import { type AppPlugin, iso } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import type { ProviderAccountRow } from './provider-accounts.repository.ts';
import {
  CreateProviderAccountBody,
  ProviderAccount,
  ProviderAccountList,
  ProviderAccountTest,
  ProviderCheckRefusal,
  ProviderRepositoryList,
  UpdateProviderAccountBody,
} from './provider-accounts.schemas.ts';
import { checkView, type ProviderAccountService } from './provider-accounts.service.ts';

export const providerAccountRoutes: AppPlugin<{ providerAccountService: ProviderAccountService }> = async (
  app,
  { providerAccountService: service },
) => {
  const route = declareRoutes(['provider-accounts'], 'interactive');
  const owned = ownedResourceRoutes(app, route);

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
    route({
      summary: 'List your provider accounts (GitHub, GitLab, Bitbucket); tokens are never shown',
      operationId: 'listProviderAccounts',
      response: { 200: ProviderAccountList },
    }),
    async (request) => ({
      accounts: (await service.listAccounts(requireIdentity(request).userId)).map(view),
    }),
  );

  owned.create(
    '/api/provider-accounts',
    {
      summary: 'Test a provider token, then store it (encrypted)',
      description:
        'The token is checked against the provider first. When the provider refuses it, it lacks a needed scope or the provider cannot be reached, nothing is stored and the answer is 422 `policy_violation` with the outcome in `check`; `force: true` stores it anyway, with the outcome in `status`.',
      operationId: 'createProviderAccount',
      body: CreateProviderAccountBody,
      view: ProviderAccount,
      refusals: { 422: ProviderCheckRefusal },
    },
    async (userId, body, context) => view(await service.createAccount(userId, body, context)),
  );

  owned.patch(
    '/api/provider-accounts/:id',
    {
      summary: 'Rename a provider account or replace its (rotated) token',
      description:
        'A replacement token is tested first; when the check fails the old token is kept and the answer is 422 `policy_violation` with the outcome in `check`, unless `force: true`.',
      operationId: 'updateProviderAccount',
      body: UpdateProviderAccountBody,
      view: ProviderAccount,
      refusals: { 422: ProviderCheckRefusal },
    },
    async (id, userId, body, context) => view(await service.updateAccount(userId, id, body, context)),
  );

  owned.delete(
    '/api/provider-accounts/:id',
    {
      summary: 'Delete a provider account and its stored token',
      operationId: 'deleteProviderAccount',
      errors: [409],
      outcome: 'Deleted',
    },
    (id, userId, context) => service.removeAccount(userId, id, context),
  );

  owned.post(
    '/api/provider-accounts/:id/test',
    {
      summary: 'Check the stored token against the provider',
      description:
        'Answers 200 with `ok: false` and an error code when the provider refuses the token or cannot be reached.',
      operationId: 'testProviderAccount',
      view: ProviderAccountTest,
    },
    async (id, userId, context) => checkView(await service.testAccount(userId, id, context)),
  );

  owned.get(
    '/api/provider-accounts/:id/repositories',
    {
      summary: 'List the repositories the stored token can see',
      operationId: 'listProviderRepositories',
      errors: [502],
      view: ProviderRepositoryList,
    },
    async (id, userId, context) => ({ repositories: await service.listRepositories(userId, id, context) }),
  );
};
