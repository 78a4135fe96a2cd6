import { randomBytes } from 'node:crypto';

/**
 * RFC 8628 §6.1 user codes: 8 letters from an alphabet without vowels (no words) and without
 * look-alikes, shown as `WDJB-MJHT`. 20^8 ≈ 2^34.6 codes; the entry endpoints are rate-limited.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;
const NORMALIZED = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

export function generateUserCode(): string {
  let out = '';
  while (out.length < USER_CODE_LENGTH) {
    for (const byte of randomBytes(USER_CODE_LENGTH * 2)) {
      // 240 = 12 × 20: larger bytes would bias the alphabet, so they are dropped.
      if (byte < 240) {
        out += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
        if (out.length === USER_CODE_LENGTH) break;
      }
    }
  }
  return out;
}

/** `WDJBMJHT` → `WDJB-MJHT`. */
export function formatUserCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`;
}

/**
 * What the user typed → the stored form, or null when it cannot be a user code. Case, dashes
 * and spaces are ignored (§6.1: "the server should remove all characters other than valid ones"
 * would also accept typos into other letters, so only separators are dropped).
 */
export function normalizeUserCode(input: string): string | null {
  if (input.length > 64) return null;
  const candidate = input.replace(/[\s-]/g, '').toUpperCase();
  return NORMALIZED.test(candidate) ? candidate : null;
}
