import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AutomationToken } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export async function revokeAutomationToken(repoId: string, tokenId: string): Promise<void> {
  await call(
    client.DELETE('/api/repos/{id}/automation-tokens/{token_id}', {
      params: { path: { id: repoId, token_id: tokenId } },
    }),
  );
}

export function useRevokeAutomationToken(repoId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => revokeAutomationToken(repoId, tokenId),
    // Not optimistic: only after the server confirms is the row shown as revoked.
    onSuccess: (_nothing, tokenId) => {
      queryClient.setQueryData<AutomationToken[]>(repoKeys.automationTokens(repoId), (tokens) =>
        tokens?.map((token) =>
          token.id === tokenId
            ? { ...token, status: 'revoked', revoked_at: new Date().toISOString() }
            : token,
        ),
      );
      return queryClient.invalidateQueries({ queryKey: repoKeys.automationTokens(repoId) });
    },
  });
}
