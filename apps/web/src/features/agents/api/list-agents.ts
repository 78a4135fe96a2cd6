import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AgentCategory, AgentPage } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export interface AgentFilters {
  q?: string;
  category?: AgentCategory;
  tag?: string;
  mine?: boolean;
}

export function listAgents(
  filters: AgentFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<AgentPage> {
  const query: AgentFilters & { cursor?: string; limit: number } = { ...filters, limit: 24 };
  if (cursor) query.cursor = cursor;
  return call(client.GET('/api/agents', { params: { query }, signal }));
}

export const agentsQueryOptions = (filters: AgentFilters) =>
  infiniteQueryOptions({
    queryKey: agentKeys.list(filters),
    queryFn: ({ pageParam, signal }) => listAgents(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });

export function useAgents(filters: AgentFilters) {
  return useInfiniteQuery(agentsQueryOptions(filters));
}
