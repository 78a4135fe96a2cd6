import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../api-client.ts';
import type { ProviderAccount } from '../api-types.ts';

/**
 * The one provider-accounts query: the settings page, the repository picker and the security
 * log read the same list under the same key, so one answer serves them all and one invalidation
 * refreshes them all.
 */
export const providerAccountsQueryKey = ['provider-accounts'] as const;

export async function listProviderAccounts(signal?: AbortSignal): Promise<ProviderAccount[]> {
  const { accounts } = await call(client.GET('/api/provider-accounts', { signal }));
  return accounts;
}

export const providerAccountsQueryOptions = () =>
  queryOptions({ queryKey: providerAccountsQueryKey, queryFn: ({ signal }) => listProviderAccounts(signal) });

export function useProviderAccounts(enabled = true) {
  return useQuery({ ...providerAccountsQueryOptions(), enabled });
}
