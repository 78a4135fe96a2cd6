import type { AgentFilters } from './list-agents.ts';

/** Query keys of the agents feature. */
export const agentKeys = {
  all: ['agents'] as const,
  lists: () => [...agentKeys.all, 'list'] as const,
  list: (filters: AgentFilters) => [...agentKeys.lists(), filters] as const,
  detail: (id: string) => [...agentKeys.all, 'detail', id] as const,
  frameworks: () => ['frameworks'] as const,
};
