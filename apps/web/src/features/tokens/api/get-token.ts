import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenView } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export function getToken(id: string, signal?: AbortSignal): Promise<TokenView> {
  return call(client.GET('/api/account/tokens/{id}', { params: { path: { id } }, signal }));
}

export const tokenQueryOptions = (id: string) =>
  queryOptions({ queryKey: tokenKeys.detail(id), queryFn: ({ signal }) => getToken(id, signal) });

export function useToken(id: string) {
  return useQuery(tokenQueryOptions(id));
}
