import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import { noticeKeys } from './keys.ts';

export function useNotices() {
  return useInfiniteQuery({
    queryKey: noticeKeys.list(),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      call(
        client.GET('/api/account/notices', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** The header badge: polled once a minute, and refreshed whenever notices change. */
export function useUnreadNoticeCount() {
  return useQuery({
    queryKey: noticeKeys.unread(),
    queryFn: ({ signal }) => call(client.GET('/api/account/notices/unread-count', { signal })),
    refetchInterval: 60_000,
  });
}

function useInvalidateNotices() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: noticeKeys.all });
}

export function useMarkNoticeRead() {
  const invalidate = useInvalidateNotices();
  return useMutation({
    mutationFn: (id: string) =>
      call(client.POST('/api/account/notices/{id}/read', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useMarkAllNoticesRead() {
  const invalidate = useInvalidateNotices();
  return useMutation({
    mutationFn: () => call(client.POST('/api/account/notices/read-all')),
    onSuccess: invalidate,
  });
}
