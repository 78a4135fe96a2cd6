import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { LogInBody, User } from '../../../lib/api-types.ts';
import { meQueryOptions } from './get-me.ts';

export function logIn(body: LogInBody): Promise<{ user: User }> {
  return call(client.POST('/api/auth/login', { body }));
}

export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logIn,
    onSuccess: async () => {
      // Whatever was cached belonged to the signed-out state or another user.
      queryClient.removeQueries();
      await queryClient.fetchQuery(meQueryOptions());
    },
  });
}
