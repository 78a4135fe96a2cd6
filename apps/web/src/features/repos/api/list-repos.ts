import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Repo } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export async function listRepos(signal?: AbortSignal): Promise<Repo[]> {
  const { repos } = await call(client.GET('/api/repos', { signal }));
  return repos;
}

export const reposQueryOptions = () =>
  queryOptions({ queryKey: repoKeys.list(), queryFn: ({ signal }) => listRepos(signal) });

export function useRepos() {
  return useQuery(reposQueryOptions());
}
