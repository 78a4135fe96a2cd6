import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenView } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export async function revokeToken(id: string): Promise<void> {
  await call(client.DELETE('/api/account/tokens/{id}', { params: { path: { id } } }));
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    // Not optimistic: a revocation that failed must never look done. Once the server has
    // confirmed, mark the row at once, then fetch the list for the exact timestamps.
    onSuccess: (_nothing, id) => {
      queryClient.setQueryData<TokenView[]>(tokenKeys.list(), (tokens) =>
        tokens?.map((token) =>
          token.id === id ? { ...token, status: 'revoked', revoked_at: new Date().toISOString() } : token,
        ),
      );
      void queryClient.invalidateQueries({ queryKey: tokenKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: tokenKeys.list() });
    },
  });
}
