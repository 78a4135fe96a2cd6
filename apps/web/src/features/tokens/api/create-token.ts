import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { CreateTokenBody, TokenWithSecret } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export function createToken(body: CreateTokenBody): Promise<TokenWithSecret> {
  return call(client.POST('/api/account/tokens', { body }));
}

/**
 * The answer carries the secret. `gcTime: 0` drops the finished mutation (and the secret in it)
 * from the cache as soon as the screen lets go of it; the screen keeps the secret only while
 * the reveal is open.
 */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}
