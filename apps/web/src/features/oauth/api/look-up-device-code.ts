import { useMutation } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { DeviceLookup } from '../../../lib/api-types.ts';

export function lookUpDeviceCode(userCode: string): Promise<DeviceLookup> {
  return call(client.POST('/api/oauth/device/lookup', { body: { user_code: userCode } }));
}

/** A POST (the code is a credential of sorts and must not sit in a URL or cache), so a mutation. */
export function useLookUpDeviceCode() {
  return useMutation({ mutationFn: lookUpDeviceCode, gcTime: 0 });
}
