import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AuthorizationRequest } from '../../../lib/api-types.ts';

export function getAuthorizationRequest(id: string, signal?: AbortSignal): Promise<AuthorizationRequest> {
  return call(client.GET('/api/oauth/requests/{id}', { params: { path: { id } }, signal }));
}

export const authorizationRequestQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['oauth-requests', id] as const,
    queryFn: ({ signal }) => getAuthorizationRequest(id, signal),
    // A pending request is answered once; never show a stale copy after the decision.
    staleTime: 0,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });

export function useAuthorizationRequest(id: string) {
  return useQuery({ ...authorizationRequestQueryOptions(id), enabled: id !== '' });
}
