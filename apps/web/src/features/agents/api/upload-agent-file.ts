import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { AgentFile } from '../../../lib/api-types.ts';
import { agentKeys } from './keys.ts';

export async function uploadAgentFile(id: string, file: File): Promise<AgentFile> {
  const { file: uploaded } = await call(
    client.POST('/api/agents/{id}/upload', {
      params: { path: { id } },
      // The generated type names the binary part a string; the real body is the multipart form.
      body: { file: file.name },
      bodySerializer: () => {
        const form = new FormData();
        form.append('file', file, file.name);
        return form;
      },
    }),
  );
  return uploaded;
}

export function useUploadAgentFile(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadAgentFile(id, file),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: agentKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: agentKeys.lists() }),
      ]),
  });
}
