import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenNetwork } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

/** The last 10 networks (/24 or /64) the token was used from, most recent first. */
export async function listTokenNetworks(id: string, signal?: AbortSignal): Promise<TokenNetwork[]> {
  const { networks } = await call(
    client.GET('/api/account/tokens/{id}/networks', { params: { path: { id } }, signal }),
  );
  return networks;
}

export const tokenNetworksQueryOptions = (id: string) =>
  queryOptions({ queryKey: tokenKeys.networks(id), queryFn: ({ signal }) => listTokenNetworks(id, signal) });

export function useTokenNetworks(id: string) {
  return useQuery(tokenNetworksQueryOptions(id));
}
