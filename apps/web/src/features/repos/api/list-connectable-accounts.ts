import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ProviderAccount } from '../../../lib/api-types.ts';
import { providerAccountsKey } from './keys.ts';

/** The provider accounts to connect a repository through (the same list the settings show). */
export async function listConnectableAccounts(signal?: AbortSignal): Promise<ProviderAccount[]> {
  const { accounts } = await call(client.GET('/api/provider-accounts', { signal }));
  return accounts;
}

export const connectableAccountsQueryOptions = () =>
  queryOptions({ queryKey: providerAccountsKey, queryFn: ({ signal }) => listConnectableAccounts(signal) });

export function useConnectableAccounts(enabled = true) {
  return useQuery({ ...connectableAccountsQueryOptions(), enabled });
}
