import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Repo } from '../../../lib/api-types.ts';

/** The connected repositories, to name those that keep an account from being removed. */
export async function listRepos(signal?: AbortSignal): Promise<Repo[]> {
  const { repos } = await call(client.GET('/api/repos', { signal }));
  return repos;
}

export const reposOfAccountQueryOptions = () =>
  queryOptions({ queryKey: ['repos', 'list'] as const, queryFn: ({ signal }) => listRepos(signal) });

export function useReposOfAccount(accountId: string | undefined) {
  return useQuery({
    ...reposOfAccountQueryOptions(),
    enabled: Boolean(accountId),
    select: (repos) => repos.filter((repo) => repo.provider_account_id === accountId),
  });
}
