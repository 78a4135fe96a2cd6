import { hash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 characters of the unreserved set. */
export const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is base64url(SHA-256(verifier)) without padding: always 43 characters. */
export const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function s256Challenge(verifier: string): string {
  return hash('sha256', verifier, 'base64url');
}

/**
 * Whether a presented code_verifier proves possession for a stored S256 challenge. A missing
 * challenge or verifier never verifies: a verifier sent for a code issued without a challenge is
 * a PKCE downgrade (RFC 9700 §2.1.1), and Tessera issues no code without one anyway.
 */
export function verifyCodeVerifier(
  storedChallenge: string | null | undefined,
  verifier: string | null | undefined,
): boolean {
  if (!storedChallenge || !verifier || !CODE_VERIFIER_PATTERN.test(verifier)) return false;
  const expected = Buffer.from(storedChallenge, 'utf8');
  const actual = Buffer.from(s256Challenge(verifier), 'utf8');
  // The challenge is not secret, but the comparison stays constant-time as FMT-6 asks for.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
