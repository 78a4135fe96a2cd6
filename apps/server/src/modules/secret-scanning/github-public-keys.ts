import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';

interface PublicKeyEntry {
  key_identifier: string;
  key: string;
  is_current?: boolean;
}

/**
 * GitHub's secret-scanning signing keys, fetched from the partner key endpoint and cached.
 * An unknown key id triggers a refresh, but at most one every `minRefreshIntervalMs` (and only
 * one at a time): alerts with made-up key ids must not spend GitHub's rate limit for the key
 * endpoint (60 unauthenticated calls an hour), or real alerts would then fail. If the endpoint
 * cannot be reached, or the key is still unknown, verification fails closed (SCAN-4).
 */
export function createGitHubKeyring(options: {
  url: string;
  timeoutMs: number;
  minRefreshIntervalMs: number;
  /** Sent as a bearer token when set (5,000 calls an hour instead of 60). */
  token?: string | undefined;
  now: () => Date;
  fetch?: typeof fetch;
  /** Where a failed key refresh or a key GitHub sent that cannot be read is reported (why an alert failed closed). */
  log?: Pick<FastifyBaseLogger, 'warn'>;
}) {
  const fetchFn = options.fetch ?? fetch;
  let keys = new Map<string, KeyObject>();
  let refreshing: Promise<void> | undefined;
  let lastRefreshAt: number | undefined;

  async function refresh() {
    const response = await fetchFn(options.url, {
      headers: {
        accept: 'application/json',
        'user-agent': 'Tessera',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`key endpoint answered ${response.status}`);
    const body = (await response.json()) as { public_keys?: PublicKeyEntry[] };
    const next = new Map<string, KeyObject>();
    for (const entry of body.public_keys ?? []) {
      try {
        next.set(entry.key_identifier, createPublicKey(entry.key));
      } catch (error) {
        // A malformed key is skipped; the others stay usable.
        options.log?.warn(
          { err: error, keyId: entry.key_identifier },
          'secret scanning: a GitHub signing key could not be read; it is skipped',
        );
      }
    }
    keys = next;
  }

  /** Joins the refresh under way, or starts one if the last began long enough ago; false when neither. */
  function refreshAllowed(): Promise<void> | undefined {
    if (refreshing) return refreshing;
    const now = options.now().getTime();
    if (lastRefreshAt !== undefined && now - lastRefreshAt < options.minRefreshIntervalMs) return undefined;
    lastRefreshAt = now;
    refreshing = refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  return {
    /** True only for a valid ECDSA-SHA256 signature of the raw body by a known GitHub key. */
    async verifySignature(rawBody: string, keyId: string, signatureBase64: string): Promise<boolean> {
      if (!keys.has(keyId)) {
        const refreshed = refreshAllowed();
        if (!refreshed) return false;
        try {
          await refreshed;
        } catch (error) {
          // At most once per refresh interval (refreshes are rate-limited above).
          options.log?.warn(
            { err: error },
            'secret scanning: GitHub signing keys could not be fetched; alerts fail closed until they can',
          );
          return false;
        }
      }
      const key = keys.get(keyId);
      if (!key) return false;
      try {
        return verify('sha256', Buffer.from(rawBody, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

export type GitHubKeyring = ReturnType<typeof createGitHubKeyring>;
