import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { tokenKeys } from './keys.ts';

export function revokeAllTokens(): Promise<{ revoked: number }> {
  return call(client.POST('/api/account/tokens/revoke-all'));
}

export function useRevokeAllTokens() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeAllTokens,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}
