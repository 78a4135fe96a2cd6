import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ChangePasswordBody } from '../../../lib/api-types.ts';
import { sessionKeys } from './keys.ts';

export async function changePassword(body: ChangePasswordBody): Promise<void> {
  await call(client.POST('/api/account/password', { body }));
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    // Every other sign-in has just ended.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.list() }),
  });
}
