import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { providerAccountsQueryKey } from './list-provider-accounts.ts';

export async function deleteProviderAccount(id: string): Promise<void> {
  await call(client.DELETE('/api/provider-accounts/{id}', { params: { path: { id } } }));
}

export function useDeleteProviderAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteProviderAccount,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerAccountsQueryKey }),
  });
}
