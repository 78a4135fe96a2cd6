import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { SignUpBody, User } from '../../../lib/api-types.ts';
import { meQueryOptions } from './get-me.ts';

export function signUp(body: SignUpBody): Promise<{ user: User }> {
  return call(client.POST('/api/auth/signup', { body }));
}

export function useSignUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signUp,
    onSuccess: async () => {
      queryClient.removeQueries();
      await queryClient.fetchQuery(meQueryOptions());
    },
  });
}
