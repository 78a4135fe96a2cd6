/** Query keys of the tokens feature, in one place so that every change invalidates the right lists. */
export const tokenKeys = {
  all: ['tokens'] as const,
  list: () => [...tokenKeys.all, 'list'] as const,
  policy: () => [...tokenKeys.all, 'policy'] as const,
  lastRotation: (id: string) => [...tokenKeys.all, 'last-rotation', id] as const,
  detail: (id: string) => [...tokenKeys.all, 'detail', id] as const,
  networks: (id: string) => [...tokenKeys.detail(id), 'networks'] as const,
  usage: (id: string) => [...tokenKeys.detail(id), 'usage'] as const,
};
