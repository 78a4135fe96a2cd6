import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ProviderAccount } from '../../../lib/api-types.ts';

/** Shared with the repositories feature's picker (same key, same answer): one cache entry. */
export const providerAccountsQueryKey = ['provider-accounts'] as const;

export async function listProviderAccounts(signal?: AbortSignal): Promise<ProviderAccount[]> {
  const { accounts } = await call(client.GET('/api/provider-accounts', { signal }));
  return accounts;
}

export const providerAccountsQueryOptions = () =>
  queryOptions({ queryKey: providerAccountsQueryKey, queryFn: ({ signal }) => listProviderAccounts(signal) });

export function useProviderAccounts() {
  return useQuery(providerAccountsQueryOptions());
}
