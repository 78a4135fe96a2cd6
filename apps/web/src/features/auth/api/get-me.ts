import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Me } from '../../../lib/api-types.ts';

export const meQueryKey = ['me'] as const;

export function getMe(signal?: AbortSignal): Promise<Me> {
  return call(client.GET('/api/me', { signal }));
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe(signal),
    staleTime: 5 * 60_000,
    // A 401 here means "signed out", which is an answer, not a failure to retry.
    retry: false,
  });

export function useMe() {
  return useQuery(meQueryOptions());
}
