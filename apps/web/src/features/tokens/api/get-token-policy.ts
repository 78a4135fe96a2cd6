import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenPolicy } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export function getTokenPolicy(signal?: AbortSignal): Promise<TokenPolicy> {
  return call(client.GET('/api/account/tokens/policy', { signal }));
}

export const tokenPolicyQueryOptions = () =>
  queryOptions({
    queryKey: tokenKeys.policy(),
    queryFn: ({ signal }) => getTokenPolicy(signal),
    // The policy is server configuration: it changes with a restart, not while you look.
    staleTime: 10 * 60_000,
  });

export function useTokenPolicy() {
  return useQuery(tokenPolicyQueryOptions());
}
