import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../api-client.ts';
import type { TokenView } from '../api-types.ts';

/** The user's personal access tokens: the tokens page, the account notice and the security log share it. */
export const tokensQueryKey = ['tokens', 'list'] as const;

export async function listTokens(signal?: AbortSignal): Promise<TokenView[]> {
  const { tokens } = await call(client.GET('/api/account/tokens', { signal }));
  return tokens;
}

export const tokensQueryOptions = () =>
  queryOptions({ queryKey: tokensQueryKey, queryFn: ({ signal }) => listTokens(signal) });

export function useTokens(enabled = true) {
  return useQuery({ ...tokensQueryOptions(), enabled });
}
