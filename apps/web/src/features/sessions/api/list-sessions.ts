import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { SessionView } from '../../../lib/api-types.ts';
import { sessionKeys } from './keys.ts';

export async function listSessions(signal?: AbortSignal): Promise<SessionView[]> {
  const { sessions } = await call(client.GET('/api/account/sessions', { signal }));
  return sessions;
}

export const sessionsQueryOptions = () =>
  queryOptions({ queryKey: sessionKeys.list(), queryFn: ({ signal }) => listSessions(signal) });

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}
