/** Query keys of the repositories feature. */
export const repoKeys = {
  all: ['repos'] as const,
  list: () => [...repoKeys.all, 'list'] as const,
  detail: (id: string) => [...repoKeys.all, 'detail', id] as const,
  automationTokens: (id: string) => [...repoKeys.all, 'detail', id, 'automation-tokens'] as const,
  taskGroups: (id: string) => [...repoKeys.all, 'detail', id, 'task-groups'] as const,
  taskGroup: (id: string, groupId: string) => [...repoKeys.taskGroups(id), groupId] as const,
  tasks: (id: string, groupId: string) => [...repoKeys.taskGroups(id), groupId, 'tasks'] as const,
  providerRepositories: (accountId: string) => ['provider-accounts', accountId, 'repositories'] as const,
};
