import { call, client, isApiError } from '../../../lib/api-client.ts';

/** Ends this browser's session; one already gone (expired, revoked elsewhere) is the same outcome. */
export async function logOut(): Promise<void> {
  try {
    await call(client.POST('/api/auth/logout'));
  } catch (error) {
    if (!(isApiError(error) && error.status === 401)) throw error;
  }
}
