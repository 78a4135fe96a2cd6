import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ProviderRepository } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export async function listProviderRepositories(
  accountId: string,
  signal?: AbortSignal,
): Promise<ProviderRepository[]> {
  const { repositories } = await call(
    client.GET('/api/provider-accounts/{id}/repositories', { params: { path: { id: accountId } }, signal }),
  );
  return repositories;
}

export const providerRepositoriesQueryOptions = (accountId: string) =>
  queryOptions({
    queryKey: repoKeys.providerRepositories(accountId),
    queryFn: ({ signal }) => listProviderRepositories(accountId, signal),
    // Each call goes out to GitHub/GitLab/Bitbucket: keep the answer for a while.
    staleTime: 60_000,
  });

export function useProviderRepositories(accountId: string | null) {
  return useQuery({ ...providerRepositoriesQueryOptions(accountId ?? ''), enabled: Boolean(accountId) });
}
