import { hash, randomBytes } from 'node:crypto';

/**
 * Authorization codes and device codes: 256 random bits, base64url. They are not Tessera
 * tokens (docs/api.md §1 has no prefix for them), so they can never pass as a bearer credential.
 */
export function newOneTimeSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this is stored: lower-case hex SHA-256 of the secret. */
export function hashOneTimeSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}
