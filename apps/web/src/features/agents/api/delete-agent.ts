import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { agentKeys } from './keys.ts';

export async function deleteAgent(id: string): Promise<void> {
  await call(client.DELETE('/api/agents/{id}', { params: { path: { id } } }));
}

export function useDeleteAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAgent,
    onSuccess: (_nothing, id) => {
      queryClient.removeQueries({ queryKey: agentKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: agentKeys.lists() });
    },
  });
}
