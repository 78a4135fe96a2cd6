import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenView, UpdateTokenBody } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export function updateToken(id: string, body: UpdateTokenBody): Promise<TokenView> {
  return call(client.PATCH('/api/account/tokens/{id}', { params: { path: { id } }, body }));
}

export function useUpdateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateTokenBody }) => updateToken(id, body),
    onSuccess: (updated) => {
      // The server's answer is the truth: put it in the list and the detail at once, then refresh
      // them (and the usage report, whose grant may just have shrunk).
      queryClient.setQueryData<TokenView[]>(tokenKeys.list(), (tokens) =>
        tokens?.map((token) => (token.id === updated.id ? updated : token)),
      );
      queryClient.setQueryData<TokenView>(tokenKeys.detail(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: tokenKeys.usage(updated.id) });
      return queryClient.invalidateQueries({ queryKey: tokenKeys.list() });
    },
  });
}
