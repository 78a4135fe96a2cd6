/**
 * Recognising Tessera tokens offline (docs/api.md §1): `tes_<kind>_` + 40 base62 characters + 6
 * base62 characters of the CRC-32 (zlib) of the rest. The checksum makes a match exact: a
 * look-alike string passes it with a chance of 1 in 56 800 235 584. No Node-only imports, so the
 * web UI may use it too; the server's `token-format.ts` is checked against it in the CLI tests.
 */
export const TOKEN_KINDS = ['ses', 'acc', 'ref', 'pat', 'aut'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_LENGTH = 54;
const CHECKSUM_LENGTH = 6;
const TOKEN_PATTERN = /^tes_(ses|acc|ref|pat|aut)_[0-9A-Za-z]{46}$/;
/** Candidates in free text: not preceded or followed by another token character. */
const CANDIDATE = /(?<![0-9A-Za-z_])tes_(?:ses|acc|ref|pat|aut)_[0-9A-Za-z]{46}(?![0-9A-Za-z_])/g;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the zlib one) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, width: number): string {
  let n = value;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/** The kind of a well-formed token with a valid checksum, or null. Never throws. */
export function parseToken(candidate: unknown): TokenKind | null {
  if (typeof candidate !== 'string' || candidate.length !== TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(candidate);
  if (!match) return null;
  const body = candidate.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH);
  if (base62(crc32(body), CHECKSUM_LENGTH) !== candidate.slice(TOKEN_LENGTH - CHECKSUM_LENGTH)) return null;
  return match[1] as TokenKind;
}

export interface FoundToken {
  token: string;
  kind: TokenKind;
  /** 1-based line and column of the first character. */
  line: number;
  column: number;
}

/** Every Tessera token in a text whose checksum is right, in order. */
export function findTokens(text: string): FoundToken[] {
  const found: FoundToken[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const kind = parseToken(match[0]);
    if (!kind) continue;
    const before = text.slice(0, match.index);
    const line = before.split('\n').length;
    found.push({ token: match[0], kind, line, column: match.index - before.lastIndexOf('\n') });
  }
  return found;
}

/** What may be shown of a token: its prefix and first 4 random characters. */
export function previewToken(token: string): string {
  return `${token.slice(0, 'tes_xxx_'.length + 4)}…`;
}
