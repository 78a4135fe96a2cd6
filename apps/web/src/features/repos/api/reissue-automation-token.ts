import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { ReissuedAutomationToken } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

/** A new automation token for an open task group; a live one of the group is revoked (ADR 0024). */
export function reissueAutomationToken(repoId: string, groupId: string): Promise<ReissuedAutomationToken> {
  return call(
    client.POST('/api/repos/{id}/task-groups/{group_id}/automation-token', {
      params: { path: { id: repoId, group_id: groupId } },
    }),
  );
}

export function useReissueAutomationToken(repoId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (groupId: string) => reissueAutomationToken(repoId, groupId),
    // The secret lives only in the mutation's result (shown once), never in the query cache.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: repoKeys.automationTokens(repoId) }),
  });
}
