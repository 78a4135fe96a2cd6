import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenUsage } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

/** Least-privilege report: the scopes granted against those used in the last 30 days. */
export function getTokenUsage(id: string, signal?: AbortSignal): Promise<TokenUsage> {
  return call(client.GET('/api/account/tokens/{id}/usage', { params: { path: { id } }, signal }));
}

export const tokenUsageQueryOptions = (id: string) =>
  queryOptions({ queryKey: tokenKeys.usage(id), queryFn: ({ signal }) => getTokenUsage(id, signal) });

export function useTokenUsage(id: string) {
  return useQuery(tokenUsageQueryOptions(id));
}
