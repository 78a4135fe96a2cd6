import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Agent } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export function getAgent(id: string, signal?: AbortSignal): Promise<Agent> {
  return call(client.GET('/api/agents/{id}', { params: { path: { id } }, signal }));
}

export const agentQueryOptions = (id: string) =>
  queryOptions({ queryKey: agentKeys.detail(id), queryFn: ({ signal }) => getAgent(id, signal) });

export function useAgent(id: string) {
  return useQuery(agentQueryOptions(id));
}
