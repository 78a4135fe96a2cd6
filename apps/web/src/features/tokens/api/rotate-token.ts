import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenWithSecret } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export function rotateToken(id: string): Promise<TokenWithSecret> {
  return call(client.POST('/api/account/tokens/{id}/rotate', { params: { path: { id } } }));
}

/** Like creation, the answer holds a secret: the finished mutation is not kept (`gcTime: 0`). */
export function useRotateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateToken,
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}
