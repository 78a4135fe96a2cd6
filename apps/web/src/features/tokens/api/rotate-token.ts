import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenWithSecret } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export interface RotateTokenInput {
  id: string;
  /** Days until the new secret expires, from now; `null` for none (when the policy allows it). */
  expires_in_days: number | null;
  /**
   * Minutes the old secret may keep working until the new one is first used (ADR 0029);
   * `null`: it stops at once.
   */
  overlap_minutes?: number | null;
}

export function rotateToken({
  id,
  expires_in_days,
  overlap_minutes,
}: RotateTokenInput): Promise<TokenWithSecret> {
  const overlap = overlap_minutes
    ? { overlap: 'until_first_use' as const, overlap_deadline_minutes: overlap_minutes }
    : {};
  return call(
    client.POST('/api/account/tokens/{id}/rotate', {
      params: { path: { id } },
      body: { expires_in_days, ...overlap },
    }),
  );
}

/** Like creation, the answer holds a secret: the finished mutation is not kept (`gcTime: 0`). */
export function useRotateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateToken,
    gcTime: 0,
    onSuccess: (_result, { id }) => {
      void queryClient.invalidateQueries({ queryKey: tokenKeys.list() });
      void queryClient.invalidateQueries({ queryKey: tokenKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: tokenKeys.lastRotation(id) });
    },
  });
}
