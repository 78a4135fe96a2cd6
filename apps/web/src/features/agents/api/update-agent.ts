import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Agent, AgentUpdateBody } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export function updateAgent(id: string, body: AgentUpdateBody): Promise<Agent> {
  return call(client.PUT('/api/agents/{id}', { params: { path: { id } }, body }));
}

export function useUpdateAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: AgentUpdateBody }) => updateAgent(id, body),
    onSuccess: (agent) => {
      queryClient.setQueryData(agentKeys.detail(agent.agent_id), agent);
      return queryClient.invalidateQueries({ queryKey: agentKeys.lists() });
    },
  });
}
