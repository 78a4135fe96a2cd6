import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The token string format of docs/api.md §1:
 * `tes_<kind>_` + 40 random base62 characters + 6 base62 characters of CRC-32 checksum.
 * The checksum lets clients and secret scanners reject typos and non-tokens offline; it is not
 * authentication. Only SHA-256 of the whole string is ever stored.
 */
export const TOKEN_KINDS = ['ses', 'acc', 'ref', 'pat', 'aut'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = 'tes_xxx_'.length + RANDOM_LENGTH + CHECKSUM_LENGTH;

/** How every token begins: text without it holds no token. */
export const TOKEN_MARK = 'tes_';

/** Matches every well-formed Tessera token; used by the scanner patterns and docs too. */
export const TOKEN_PATTERN = /^tes_(ses|acc|ref|pat|aut)_[0-9A-Za-z]{46}$/;

/**
 * Anything in a text that looks like a token of any kind, whole or cut short (its prefix is kept
 * as group 1): what the log redacts. Matches, e.g., `tes_pat_…` in a URL path or an error message.
 */
export const TOKEN_IN_TEXT = new RegExp(`(${TOKEN_MARK}(?:${TOKEN_KINDS.join('|')})_)[0-9A-Za-z]+`, 'g');

/** 40 characters drawn uniformly from base62 with rejection sampling over a CSPRNG. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes at or above it would bias the alphabet, so they are dropped.
      if (byte < 248) {
        out += BASE62[byte % 62];
        if (out.length === length) break;
      }
    }
  }
  return out;
}

export function encodeBase62(value: number, width: number): string {
  let n = value >>> 0;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

export function checksumOf(body: string): string {
  // A token is ASCII, so the string's UTF-8 bytes (what crc32 reads) are its characters.
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

export function generateToken(kind: TokenKind): string {
  const body = `tes_${kind}_${randomBase62(RANDOM_LENGTH)}`;
  return body + checksumOf(body);
}

/** Returns the kind of a well-formed token with a valid checksum, or null. Never throws. */
export function parseToken(candidate: unknown): TokenKind | null {
  if (typeof candidate !== 'string' || candidate.length !== TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(candidate);
  if (!match) return null;
  const body = candidate.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH);
  if (checksumOf(body) !== candidate.slice(TOKEN_LENGTH - CHECKSUM_LENGTH)) return null;
  return match[1] as TokenKind;
}

/** The only form in which a token is stored: lower-case hex SHA-256 of the whole string. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** What lists show: the prefix and the first 4 random characters, e.g. `tes_pat_Ab3x…`. */
export function previewToken(token: string): string {
  return `${token.slice(0, 'tes_xxx_'.length + 4)}…`;
}
