import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AutomationToken } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export async function listAutomationTokens(repoId: string, signal?: AbortSignal): Promise<AutomationToken[]> {
  const { tokens } = await call(
    client.GET('/api/repos/{id}/automation-tokens', { params: { path: { id: repoId } }, signal }),
  );
  return tokens;
}

export const automationTokensQueryOptions = (repoId: string) =>
  queryOptions({
    queryKey: repoKeys.automationTokens(repoId),
    queryFn: ({ signal }) => listAutomationTokens(repoId, signal),
  });

export function useAutomationTokens(repoId: string) {
  return useQuery(automationTokensQueryOptions(repoId));
}
