import { createHash } from 'node:crypto';

/**
 * `createVerifier()` (import from `@tessera/client/verifier`; Node only, so browser bundles of
 * the main entry never pull in `node:crypto`): token verification for Node services that accept Tessera tokens, through
 * the server's RFC 7662 introspection endpoint (ADR 0032). Positive answers are cached for a
 * short time (default 10 s, never past the token's expiry), so a revocation binds within that
 * TTL; negative answers are never cached, so a newly created token works at once.
 */

export interface VerifierOptions {
  /** The Tessera origin, e.g. `https://tessera.example.com`. */
  baseUrl: string;
  /** The resource server's registration (INTROSPECTION_CLIENTS on the server). */
  clientId: string;
  clientSecret: string;
  /** How long a positive answer is reused (ms); 0 turns the cache off. Default 10 000. */
  cacheTtlMs?: number;
  /** Entries kept at most (oldest dropped first). Default 10 000. */
  maxEntries?: number;
  /** For tests and custom agents. */
  fetch?: typeof fetch;
  /** Time source in ms, for tests. */
  now?: () => number;
}

export interface VerifiedToken {
  /** The user the token belongs to. */
  sub: string;
  scopes: string[];
  /** Expiry in seconds since the epoch; undefined when the token never expires. */
  exp: number | undefined;
  tokenKind: 'personal_access_token' | 'access_token' | undefined;
  clientId: string | undefined;
}

export class IntrospectionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'IntrospectionError';
  }
}

export interface Verifier {
  /** The token's facts if it is live, null if it is not (malformed, unknown, expired or revoked). */
  verify(token: string): Promise<VerifiedToken | null>;
  /** Whether the token is live and holds the scope (`:write` satisfies `:read`). */
  hasScope(token: VerifiedToken, scope: string): boolean;
  /** Forget every cached answer (e.g. after learning of a revocation out of band). */
  clear(): void;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const ttl = options.cacheTtlMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const endpoint = new URL('/api/oauth/introspect', options.baseUrl).toString();
  const authorization = `Basic ${Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64')}`;
  // Keyed by the token's SHA-256, so the cache never holds token strings.
  const cache = new Map<string, { value: VerifiedToken; until: number }>();

  const keyOf = (token: string) => createHash('sha256').update(token).digest('hex');

  return {
    async verify(token) {
      const key = keyOf(token);
      const hit = cache.get(key);
      const at = now();
      if (hit) {
        if (hit.until > at) return hit.value;
        cache.delete(key);
      }
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token }).toString(),
      });
      if (response.status === 401) {
        throw new IntrospectionError('Tessera refused the client credentials (invalid_client)', 401);
      }
      if (!response.ok)
        throw new IntrospectionError(`introspection failed: HTTP ${response.status}`, response.status);
      const body = (await response.json()) as {
        active?: boolean;
        scope?: string;
        sub?: string;
        exp?: number;
        token_kind?: VerifiedToken['tokenKind'];
        client_id?: string;
      };
      if (body.active !== true || typeof body.sub !== 'string') return null;
      const value: VerifiedToken = {
        sub: body.sub,
        scopes: (body.scope ?? '').split(' ').filter(Boolean),
        exp: body.exp,
        tokenKind: body.token_kind,
        clientId: body.client_id,
      };
      if (ttl > 0) {
        const until = Math.min(
          at + ttl,
          value.exp !== undefined ? value.exp * 1000 : Number.POSITIVE_INFINITY,
        );
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(key, { value, until });
      }
      return value;
    },

    hasScope(token, scope) {
      if (token.exp !== undefined && token.exp * 1000 <= now()) return false;
      return (
        token.scopes.includes(scope) ||
        (scope.endsWith(':read') && token.scopes.includes(scope.replace(/:read$/, ':write')))
      );
    },

    clear() {
      cache.clear();
    },
  };
}
