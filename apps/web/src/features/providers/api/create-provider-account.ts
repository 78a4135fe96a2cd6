import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { CreateProviderAccountBody, ProviderAccount } from '../../../lib/api-types.ts';
import { providerAccountsQueryKey } from './list-provider-accounts.ts';

export function createProviderAccount(body: CreateProviderAccountBody): Promise<ProviderAccount> {
  return call(client.POST('/api/provider-accounts', { body }));
}

/** The body holds a provider token: the finished mutation is not kept (`gcTime: 0`). */
export function useCreateProviderAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProviderAccount,
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerAccountsQueryKey }),
  });
}
