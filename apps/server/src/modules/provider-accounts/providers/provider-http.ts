import { OutboundAddressRefused, type OutboundGuard } from '../../../platform/net/outbound-guard.ts';

/**
 * The little HTTP client the provider adapters share: a timeout on the whole exchange, no
 * redirects, a size cap on answers, and errors that never carry the request's credentials.
 */

import { LATENCY_BUCKETS, type Metrics, processHistogram } from '../../../platform/metrics/metrics.ts';

/** Why a provider call failed, in the words of docs/api.md (`POST /provider-accounts/{id}/test`). */
export type ProviderFailure = 'invalid_token' | 'token_expired' | 'insufficient_permissions' | 'unreachable';

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderFailure,
    message: string,
    /** Why, for the log (the network or TLS error behind `unreachable`); never shown to the user. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The `fetch` provider calls go through: the outbound guard's, which refuses private addresses (ADR 0016). */
export type ProviderFetch = OutboundGuard['fetch'];

export interface ProviderRequest {
  url: string;
  fetch: ProviderFetch;
  headers: Record<string, string>;
  timeoutMs: number;
  /** "GitHub", "GitLab", "Bitbucket": used in messages a user reads. */
  label: string;
}

async function readCapped(response: Awaited<ReturnType<ProviderFetch>>): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error('answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Provider calls by provider and outcome (status class, `timeout` or `unreachable`): latency; the _count counts them. */
const providerCalls = processHistogram(
  'tessera_provider_call_duration_seconds',
  'Calls to GitHub, GitLab and Bitbucket by provider and outcome (2xx…5xx, timeout, unreachable)',
  ['provider', 'outcome'],
  LATENCY_BUCKETS,
);

export function registerProviderMetrics(metrics: Metrics): void {
  metrics.adopt(providerCalls);
}

export async function providerGet(request: ProviderRequest): Promise<ProviderResponse> {
  const { label, timeoutMs } = request;
  const started = performance.now();
  const observe = (outcome: string) =>
    providerCalls.observe({ provider: label.toLowerCase(), outcome }, (performance.now() - started) / 1000);
  try {
    const response = await request.fetch(request.url, {
      headers: { accept: 'application/json', 'user-agent': 'Tessera', ...request.headers },
      // A provider (or whoever answers at a configured URL) may not bounce the token elsewhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readCapped(response);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    observe(`${Math.floor(response.status / 100)}xx`);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    const refused =
      error instanceof Error && error.cause instanceof OutboundAddressRefused ? error.cause : null;
    if (refused) {
      throw new ProviderError(
        'unreachable',
        `${label} at ${new URL(request.url).host} was not contacted: it resolves to a ${refused.range} address (${refused.address}). ` +
          'An operator can allow an internal instance with PROVIDER_ALLOWED_PRIVATE_HOSTS.',
        { cause: error },
      );
    }
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    observe(timedOut ? 'timeout' : 'unreachable');
    throw new ProviderError(
      'unreachable',
      timedOut
        ? `${label} did not answer within ${timeoutMs} ms.`
        : `${label} could not be reached (${new URL(request.url).host}).`,
      { cause: error },
    );
  }
}

/** The `rel="next"` target of an RFC 8288 Link header, if any. */
export function nextLinkOf(header: string | null): string | null {
  if (!header) return null;
  for (const link of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (!match) continue;
    for (const param of match[2]!.split(';')) {
      const [name, value] = param.split('=', 2).map((s) => s.trim());
      if (name?.toLowerCase() !== 'rel' || value === undefined) continue;
      const rels = value.replace(/^"|"$/g, '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return match[1]!;
    }
  }
  return null;
}

/**
 * Resolves a pagination link against the API base and refuses one that leaves the provider's
 * origin: following it would send the token to a host the user never chose.
 */
export function sameOriginLink(link: string, base: string, label: string): string {
  let resolved: URL;
  try {
    resolved = new URL(link, base);
  } catch (error) {
    throw new ProviderError('unreachable', `${label} answered with a malformed next-page link.`, {
      cause: error,
    });
  }
  if (resolved.origin !== new URL(base).origin) {
    throw new ProviderError('unreachable', `${label} answered with a next-page link to another host.`);
  }
  return resolved.toString();
}

/** Pages a listing at most this deep; a provider that keeps answering "next" is not trusted forever. */
export const MAX_PAGES = 100;

export interface PagedListing<T> {
  /** The first page; the following ones come from `nextPage`. */
  firstUrl: string;
  /** The API base: a next-page link is resolved against it and may not leave its origin. */
  baseUrl: string;
  request: Omit<ProviderRequest, 'url'>;
  /** The call as messages name it, e.g. `GET /user/repos`. */
  what: string;
  /** The error of a page answered other than 200. */
  failure: (answer: ProviderResponse, what: string) => ProviderError;
  /** A page's entries; null when the answer is not a listing. */
  entries: (body: unknown) => unknown[] | null;
  /** The link (relative or absolute) to the page after `url`; null on the last page. */
  nextPage: (answer: ProviderResponse, url: string) => string | null;
  /** An entry as the caller wants it; null skips it. */
  toItem: (entry: unknown) => T | null;
}

/** Reads a paginated listing to its end (at most MAX_PAGES pages), following only same-origin links. */
export async function listAllPages<T>(listing: PagedListing<T>): Promise<T[]> {
  const { request, what } = listing;
  const items: T[] = [];
  let url: string | null = listing.firstUrl;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const answer: ProviderResponse = await providerGet({ ...request, url });
    if (answer.status !== 200) throw listing.failure(answer, what);
    const entries = listing.entries(answer.body);
    if (!entries) throw new ProviderError('unreachable', `${request.label} answered ${what} oddly.`);
    for (const entry of entries) {
      const item = listing.toItem(entry);
      if (item) items.push(item);
    }
    const next = listing.nextPage(answer, url);
    url = next ? sameOriginLink(next, listing.baseUrl, request.label) : null;
  }
  return items;
}

/** Failures every provider shares: rate limits, server errors, anything unexpected. */
export function unexpectedAnswer(label: string, status: number, what: string): ProviderError {
  if (status === 429)
    return new ProviderError('unreachable', `${label} is rate-limiting requests; try again later.`);
  if (status >= 500)
    return new ProviderError('unreachable', `${label} answered ${status} to ${what}; try again later.`);
  if (status >= 300 && status < 400)
    return new ProviderError('unreachable', `${label} redirected ${what}; check the configured URL.`);
  return new ProviderError(
    'unreachable',
    `${label} answered ${status} to ${what}; check the configured URL.`,
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | null {
  if (!isRecord(value)) return null;
  const field = value[key];
  return typeof field === 'string' ? field : null;
}
