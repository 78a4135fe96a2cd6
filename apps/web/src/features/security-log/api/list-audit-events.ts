import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AuditLogPage } from '../../../lib/api-types.ts';

export function listAuditEvents(cursor: string | null, signal?: AbortSignal): Promise<AuditLogPage> {
  return call(client.GET('/api/account/audit-log', { params: { query: cursor ? { cursor } : {} }, signal }));
}

export const auditEventsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['audit-log'] as const,
    queryFn: ({ pageParam, signal }) => listAuditEvents(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });

export function useAuditEvents() {
  return useInfiniteQuery(auditEventsQueryOptions());
}
