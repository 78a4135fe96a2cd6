import { createPublicKey, type KeyObject, verify } from 'node:crypto';

interface PublicKeyEntry {
  key_identifier: string;
  key: string;
  is_current?: boolean;
}

/**
 * GitHub's secret-scanning signing keys, fetched from the partner key endpoint and cached.
 * An unknown key id triggers one refresh; if the endpoint cannot be reached, verification fails
 * closed (SCAN-4).
 */
export function createGitHubKeyring(options: { url: string; timeoutMs: number; fetch?: typeof fetch }) {
  const fetchFn = options.fetch ?? fetch;
  let keys = new Map<string, KeyObject>();
  let refreshing: Promise<void> | undefined;

  async function refresh() {
    const response = await fetchFn(options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`key endpoint answered ${response.status}`);
    const body = (await response.json()) as { public_keys?: PublicKeyEntry[] };
    const next = new Map<string, KeyObject>();
    for (const entry of body.public_keys ?? []) {
      try {
        next.set(entry.key_identifier, createPublicKey(entry.key));
      } catch {
        // A malformed key is skipped; the others stay usable.
      }
    }
    keys = next;
  }

  return {
    /** True only for a valid ECDSA-SHA256 signature of the raw body by a known GitHub key. */
    async verifySignature(rawBody: string, keyId: string, signatureBase64: string): Promise<boolean> {
      if (!keys.has(keyId)) {
        refreshing ??= refresh().finally(() => {
          refreshing = undefined;
        });
        try {
          await refreshing;
        } catch {
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
