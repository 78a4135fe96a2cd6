import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Agent, AgentBody } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export function createAgent(body: AgentBody): Promise<Agent> {
  return call(client.POST('/api/agents', { body }));
}

export function useCreateAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createAgent,
    onSuccess: (agent) => {
      queryClient.setQueryData(agentKeys.detail(agent.agent_id), agent);
      return queryClient.invalidateQueries({ queryKey: agentKeys.lists() });
    },
  });
}
