/**
 * Headers of an answer no cache may keep: one that carries a secret (a token shown once) or a
 * user's own state. `Pragma: no-cache` is for HTTP/1.0 caches (RFC 6749 §5.1 asks for both).
 */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
