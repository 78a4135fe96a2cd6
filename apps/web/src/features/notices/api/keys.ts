/** Query keys of the notices feature. */
export const noticeKeys = {
  all: ['notices'] as const,
  list: () => [...noticeKeys.all, 'list'] as const,
  unread: () => [...noticeKeys.all, 'unread'] as const,
  settings: () => [...noticeKeys.all, 'settings'] as const,
  webhooks: () => [...noticeKeys.all, 'webhooks'] as const,
  deliveries: (endpointId: string) => [...noticeKeys.all, 'webhooks', endpointId, 'deliveries'] as const,
};
