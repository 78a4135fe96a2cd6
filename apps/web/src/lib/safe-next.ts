/**
 * Where to go after signing in. Only a path on this origin is honoured: anything that could
 * leave the site (`//evil`, `/\evil`, `https://…`, `javascript:`) falls back to the default.
 */
export function safeNextPath(next: string | null | undefined, origin: string, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // Control characters and backslashes are normalised by URL parsers in surprising ways.
  for (const character of next) {
    const code = character.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || character === '\\') return fallback;
  }
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  // Never bounce back to the sign-in pages themselves.
  if (url.pathname === '/login' || url.pathname === '/signup') return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Only http(s) URLs may be navigated to from an OAuth decision (never `javascript:` or `data:`). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
