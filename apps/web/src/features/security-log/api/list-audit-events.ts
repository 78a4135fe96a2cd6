import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AuditEvent, AuditLogPage } from '../../../lib/api-types.ts';

export interface AuditFilter {
  /** Comma-separated audit actions, as the API takes them; empty for all. */
  action?: string;
  targetId?: string;
}

function queryOf(filter: AuditFilter, cursor: string | null, limit?: number) {
  return {
    ...(cursor ? { cursor } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.targetId ? { target_id: filter.targetId } : {}),
    ...(limit ? { limit } : {}),
  };
}

export function listAuditEvents(
  filter: AuditFilter,
  cursor: string | null,
  signal?: AbortSignal,
  limit?: number,
): Promise<AuditLogPage> {
  return call(
    client.GET('/api/account/audit-log', { params: { query: queryOf(filter, cursor, limit) }, signal }),
  );
}

export const auditEventsQueryOptions = (filter: AuditFilter = {}) =>
  infiniteQueryOptions({
    queryKey: ['audit-log', filter.action ?? '', filter.targetId ?? ''] as const,
    queryFn: ({ pageParam, signal }) => listAuditEvents(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });

export function useAuditEvents(filter: AuditFilter = {}) {
  // Changing a filter keeps the previous rows on screen until the new ones arrive.
  return useInfiniteQuery({ ...auditEventsQueryOptions(filter), placeholderData: keepPreviousData });
}

/** Every event that matches the filter, page by page (for an export), up to `max`. */
export async function collectAuditEvents(filter: AuditFilter, max = 10_000): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const page: AuditLogPage = await listAuditEvents(filter, cursor, undefined, 100);
    out.push(...page.events);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
