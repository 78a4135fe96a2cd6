import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { sessionKeys } from './keys.ts';

/**
 * Ends one sign-in; another than your own needs the password (the server asks for it). Ending
 * your own goes through useEndOwnSession, which signs this browser out.
 */
export async function revokeSession(input: { id: string; password?: string }): Promise<void> {
  const body = input.password === undefined ? {} : { password: input.password };
  await call(client.DELETE('/api/account/sessions/{id}', { params: { path: { id: input.id } }, body }));
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeSession,
    // Not optimistic: an ended session that is still alive must never look ended.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.list() }),
  });
}
