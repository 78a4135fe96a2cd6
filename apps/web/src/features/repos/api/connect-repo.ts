import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ConnectRepoBody, Repo } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export function connectRepo(body: ConnectRepoBody): Promise<Repo> {
  return call(client.POST('/api/repos', { body }));
}

export function useConnectRepo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectRepo,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: repoKeys.list() }),
  });
}
