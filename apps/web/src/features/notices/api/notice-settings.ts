import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RequestBody } from '@tessera/client';
import { call, client } from '../../../lib/api-client.ts';
import { noticeKeys } from './keys.ts';

export type UpdateNoticeSettingsBody = RequestBody<'/api/account/notice-settings', 'patch'>;

export function useNoticeSettings() {
  return useQuery({
    queryKey: noticeKeys.settings(),
    queryFn: ({ signal }) => call(client.GET('/api/account/notice-settings', { signal })),
  });
}

export function useUpdateNoticeSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateNoticeSettingsBody) =>
      call(client.PATCH('/api/account/notice-settings', { body })),
    onSuccess: (settings) => {
      queryClient.setQueryData(noticeKeys.settings(), settings);
      return queryClient.invalidateQueries({ queryKey: noticeKeys.list() });
    },
  });
}
