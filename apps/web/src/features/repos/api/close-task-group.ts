import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TaskGroup } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

/** Closes a task group; its automation token is revoked at once. */
export function closeTaskGroup(groupId: string): Promise<TaskGroup> {
  return call(client.POST('/api/task-groups/{id}/close', { params: { path: { id: groupId } } }));
}

export function useCloseTaskGroup(repoId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: closeTaskGroup,
    onSuccess: (group) => {
      queryClient.setQueryData(repoKeys.taskGroup(repoId, group.id), group);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: repoKeys.taskGroups(repoId) }),
        queryClient.invalidateQueries({ queryKey: repoKeys.automationTokens(repoId) }),
      ]);
    },
  });
}
