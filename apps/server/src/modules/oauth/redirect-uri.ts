/**
 * Redirect URI matching for native clients (RFC 8252 §7.3, §8.3). A registered loopback URI
 * without a port (`http://127.0.0.1/callback`) accepts the same URI with any port, because the
 * app picks a free port at run time. Everything else must match the registered string exactly:
 * the comparison is on strings, never on a parsed and re-serialised URL, so that nothing the
 * parser normalises (`127.1`, `%2F`, `..`, userinfo) can slip through.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
export const REDIRECT_URI_MAX_LENGTH = 2048;

interface LoopbackPattern {
  /** `http://127.0.0.1`: scheme and host, compared exactly. */
  origin: string;
  path: string;
}

function loopbackPattern(registered: string): LoopbackPattern | null {
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(\/[^?#]*)$/.exec(registered);
  if (!match || !LOOPBACK_HOSTS.has(match[1]!)) return null;
  return { origin: `http://${match[1]}`, path: match[2]! };
}

function matchesLoopback(pattern: LoopbackPattern, presented: string): boolean {
  if (!presented.startsWith(pattern.origin)) return false;
  const rest = presented.slice(pattern.origin.length);
  const match = /^(?::([1-9][0-9]{0,4}))?(\/.*)$/s.exec(rest);
  if (!match) return false;
  const port = match[1];
  if (port !== undefined && Number(port) > 65_535) return false;
  return match[2] === pattern.path;
}

/** Whether `presented` is acceptable for a client that registered `registered`. */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (presented.length === 0 || presented.length > REDIRECT_URI_MAX_LENGTH) return false;
  return registered.some((uri) => {
    if (uri === presented) return true;
    const pattern = loopbackPattern(uri);
    return pattern !== null && matchesLoopback(pattern, presented);
  });
}

/** Adds response parameters to a (validated) redirect URI. */
export function withQuery(redirectUri: string, params: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value != null) query.set(name, value);
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query.toString()}`;
}
