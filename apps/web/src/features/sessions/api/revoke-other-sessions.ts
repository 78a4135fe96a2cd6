import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { sessionKeys } from './keys.ts';

export function revokeOtherSessions(password: string): Promise<{ revoked: number }> {
  return call(client.POST('/api/account/sessions/revoke-others', { body: { password } }));
}

export function useRevokeOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeOtherSessions,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.list() }),
  });
}
