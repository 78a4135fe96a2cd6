import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { LastRotation } from '../components/expiry-options.ts';
import { tokenKeys } from './keys.ts';

/**
 * When a token was last regenerated and the expiry that gave it, from the security log (the
 * token list does not say): the lifetime a regeneration keeps by default is counted from there.
 * Null when it was never regenerated.
 */
export async function getLastRotation(id: string, signal?: AbortSignal): Promise<LastRotation | null> {
  const page = await call(
    client.GET('/api/account/audit-log', {
      params: { query: { action: 'token.rotated', target_id: id, limit: 1 } },
      signal,
    }),
  );
  const event = page.events[0];
  if (!event) return null;
  const expires = event.metadata.expires_at;
  return { at: event.created_at, expires_at: typeof expires === 'string' ? expires : null };
}

export const lastRotationQueryOptions = (id: string) =>
  queryOptions({
    queryKey: tokenKeys.lastRotation(id),
    queryFn: ({ signal }) => getLastRotation(id, signal),
  });

export function useLastRotation(id: string | undefined) {
  return useQuery({ ...lastRotationQueryOptions(id ?? ''), enabled: Boolean(id) });
}
