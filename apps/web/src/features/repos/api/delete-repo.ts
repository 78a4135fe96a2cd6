import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { repoKeys } from './keys.ts';

export async function deleteRepo(id: string): Promise<void> {
  await call(client.DELETE('/api/repos/{id}', { params: { path: { id } } }));
}

export function useDeleteRepo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteRepo,
    onSuccess: (_nothing, id) => {
      queryClient.removeQueries({ queryKey: repoKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: repoKeys.list() });
    },
  });
}
