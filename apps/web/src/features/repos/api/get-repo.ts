import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Repo } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export function getRepo(id: string, signal?: AbortSignal): Promise<Repo> {
  return call(client.GET('/api/repos/{id}', { params: { path: { id } }, signal }));
}

export const repoQueryOptions = (id: string) =>
  queryOptions({ queryKey: repoKeys.detail(id), queryFn: ({ signal }) => getRepo(id, signal) });

export function useRepo(id: string) {
  return useQuery(repoQueryOptions(id));
}
