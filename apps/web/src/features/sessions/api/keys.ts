/** Query keys of the sessions feature, in one place so that every change invalidates the right list. */
export const sessionKeys = {
  all: ['sessions'] as const,
  list: () => [...sessionKeys.all, 'list'] as const,
};
