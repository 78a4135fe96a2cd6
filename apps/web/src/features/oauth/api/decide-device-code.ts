import { useMutation } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';

export async function decideDeviceCode(userCode: string, approve: boolean): Promise<void> {
  await call(client.POST('/api/oauth/device/decision', { body: { user_code: userCode, approve } }));
}

export function useDecideDeviceCode() {
  return useMutation({
    mutationFn: ({ userCode, approve }: { userCode: string; approve: boolean }) =>
      decideDeviceCode(userCode, approve),
    gcTime: 0,
  });
}
