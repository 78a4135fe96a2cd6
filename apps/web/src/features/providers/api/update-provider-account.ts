import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ProviderAccount, UpdateProviderAccountBody } from '../../../lib/api-types.ts';
import { providerAccountsQueryKey } from './list-provider-accounts.ts';

export function updateProviderAccount(id: string, body: UpdateProviderAccountBody): Promise<ProviderAccount> {
  return call(client.PATCH('/api/provider-accounts/{id}', { params: { path: { id } }, body }));
}

/** May carry a replacement token: the finished mutation is not kept (`gcTime: 0`). */
export function useUpdateProviderAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateProviderAccountBody }) =>
      updateProviderAccount(id, body),
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerAccountsQueryKey }),
  });
}
