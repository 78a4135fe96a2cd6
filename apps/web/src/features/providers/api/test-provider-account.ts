import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ProviderTestResult } from '../../../lib/api-types.ts';
import { providerAccountsQueryKey } from './list-provider-accounts.ts';

export function testProviderAccount(id: string): Promise<ProviderTestResult> {
  return call(client.POST('/api/provider-accounts/{id}/test', { params: { path: { id } } }));
}

export function useTestProviderAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: testProviderAccount,
    // The test also updates the account's status and "last checked".
    onSettled: () => queryClient.invalidateQueries({ queryKey: providerAccountsQueryKey }),
  });
}
