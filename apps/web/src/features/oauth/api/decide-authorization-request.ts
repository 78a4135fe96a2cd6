import { useMutation } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';

export function decideAuthorizationRequest(id: string, approve: boolean): Promise<{ redirect_to: string }> {
  return call(
    client.POST('/api/oauth/requests/{id}/decision', { params: { path: { id } }, body: { approve } }),
  );
}

/** The answer carries the authorization code in `redirect_to`: the finished mutation is not kept. */
export function useDecideAuthorizationRequest() {
  return useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      decideAuthorizationRequest(id, approve),
    gcTime: 0,
  });
}
