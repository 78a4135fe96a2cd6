import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TokenView } from '../../../lib/api-types.ts';
import { tokenKeys } from './keys.ts';

export async function listTokens(signal?: AbortSignal): Promise<TokenView[]> {
  const { tokens } = await call(client.GET('/api/account/tokens', { signal }));
  return tokens;
}

export const tokensQueryOptions = () =>
  queryOptions({ queryKey: tokenKeys.list(), queryFn: ({ signal }) => listTokens(signal) });

export function useTokens() {
  return useQuery(tokensQueryOptions());
}
