import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../api-client.ts';
import type { Repo } from '../api-types.ts';

/**
 * The user's connected repositories: the repositories screens and the token screens (which
 * restrict a token to some of them) read the same list under the same key.
 */
export const reposQueryKey = ['repos', 'list'] as const;

export async function listRepos(signal?: AbortSignal): Promise<Repo[]> {
  const { repos } = await call(client.GET('/api/repos', { signal }));
  return repos;
}

export const reposQueryOptions = () =>
  queryOptions({ queryKey: reposQueryKey, queryFn: ({ signal }) => listRepos(signal) });

export function useRepos(enabled = true) {
  return useQuery({ ...reposQueryOptions(), enabled });
}
