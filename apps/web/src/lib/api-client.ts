/**
 * The one door to the Tessera API: the generated, typed @tessera/client, with the session
 * cookie as the credential (same origin; the server refuses cross-site cookie writes).
 *
 * This layer never redirects or shows messages: a call returns its data or throws an
 * ApiError, and the screens decide what to do with it.
 */
import {
  createTesseraClient,
  type FieldError,
  isTesseraApiError,
  TesseraApiError,
  type TesseraClient,
  unwrap,
} from '@tessera/client';

export type { FieldError };

export { TesseraApiError as ApiError };

export function isApiError(error: unknown): error is TesseraApiError {
  return isTesseraApiError(error);
}

export const client: TesseraClient = createTesseraClient({ baseUrl: '', credentials: 'same-origin' });

type Result<Data> =
  | Promise<{ data?: Data; error?: unknown; response: Response }>
  | { data?: Data; error?: unknown; response: Response };

/**
 * The data of a client call, or a thrown ApiError. A request that never reached the server
 * becomes `network_error` (status 0), so screens can say "check your connection".
 */
export async function call<Data>(pending: Result<Data>): Promise<Data> {
  try {
    return await unwrap(pending);
  } catch (error) {
    if (isTesseraApiError(error)) throw error;
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new TesseraApiError({
      status: 0,
      code: 'network_error',
      detail: 'The server could not be reached.',
    });
  }
}
