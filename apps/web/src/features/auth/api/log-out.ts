import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client, isApiError } from '../../../lib/api-client.ts';

export function logOut(): Promise<void> {
  return call(client.POST('/api/auth/logout')).then(() => undefined);
}

export function useLogOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await logOut();
      } catch (error) {
        // Already signed out (session expired or revoked elsewhere): the goal is reached.
        if (!(isApiError(error) && error.status === 401)) throw error;
      }
    },
    onSuccess: () => {
      queryClient.clear();
    },
  });
}
