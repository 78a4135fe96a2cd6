import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Framework } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export async function listFrameworks(signal?: AbortSignal): Promise<Framework[]> {
  const { frameworks } = await call(client.GET('/api/frameworks', { signal }));
  return frameworks;
}

export const frameworksQueryOptions = () =>
  queryOptions({
    queryKey: agentKeys.frameworks(),
    queryFn: ({ signal }) => listFrameworks(signal),
    // A fixed catalogue on the server.
    staleTime: Number.POSITIVE_INFINITY,
  });

export function useFrameworks() {
  return useQuery(frameworksQueryOptions());
}
