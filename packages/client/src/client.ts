import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema.d.ts';

/** A token, or a function that gives the current one (so that a caller can refresh it). */
export type TokenSource =
  | string
  | null
  | undefined
  | (() => string | null | undefined | Promise<string | null | undefined>);

export interface TesseraClientOptions {
  /** The server's origin, e.g. `https://tessera.example.com`; `''` for the page's own origin in a browser. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Leave out to rely on the session cookie (web UI). */
  token?: TokenSource;
  /** A fetch of your own (tests, retries, proxies). */
  fetch?: (request: Request) => Promise<Response>;
  /** `include` or `same-origin` to send the session cookie from a browser. */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** Headers sent with every request, e.g. a User-Agent. */
  headers?: Record<string, string>;
}

export type TesseraClient = Client<paths>;

function bearer(token: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      // A call that sets its own Authorization (e.g. a one-off token) keeps it.
      if (request.headers.has('authorization')) return request;
      const value = typeof token === 'function' ? await token() : token;
      if (value) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * A typed client of the Tessera API. Every call is checked against the OpenAPI document:
 * `await client.GET('/api/agents/{id}', { params: { path: { id } } })`. Wrap a call in
 * `unwrap()` to get its data or a thrown `TesseraApiError`.
 */
export function createTesseraClient(options: TesseraClientOptions): TesseraClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (options.token !== undefined && options.token !== null) client.use(bearer(options.token));
  return client;
}
