import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../features/auth/api/get-me.ts';
import { isApiError } from '../lib/api-client.ts';
import { isEndingOwnSession, ownSessionRestored } from '../lib/end-own-session.ts';
import { markSessionExpired } from '../lib/form-draft.ts';

/**
 * The app's query client. When any request learns that the session has ended, the "who am I"
 * query is refreshed, and the signed-in routes send the user to the sign-in page (see
 * require-auth). The HTTP layer itself never redirects.
 */
export function createAppQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.queryKey[0] !== meQueryKey[0]) onUnauthenticated(error);
      },
      onSuccess: (_data, query) => {
        if (query.queryKey[0] === meQueryKey[0]) ownSessionRestored();
      },
    }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthenticated(error) }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // Client errors will not improve by asking again; server and network errors may.
        // A provider's refusal (502 with the provider's reason) will not improve either.
        retry: (failureCount, error) =>
          failureCount < 2 &&
          (!isApiError(error) || error.status === 0 || (error.status >= 500 && error.status !== 502)),
      },
      mutations: { retry: false },
    },
  });
  function onUnauthenticated(error: unknown) {
    // A sign-out this tab asked for is not an expiry (lib/end-own-session).
    if (isEndingOwnSession()) return;
    if (isApiError(error) && error.code === 'unauthenticated') {
      // The sign-in page says why, and forms restore what was typed (lib/form-draft).
      markSessionExpired();
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    }
  }
  return queryClient;
}
