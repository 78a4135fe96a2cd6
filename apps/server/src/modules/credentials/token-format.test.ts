import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE62,
  checksumOf,
  encodeBase62,
  generateToken,
  hashToken,
  parseToken,
  previewToken,
  TOKEN_KINDS,
  TOKEN_PATTERN,
} from './token-format.ts';

describe('token format', () => {
  it.each(TOKEN_KINDS)('generates %s tokens of the contract shape', (kind) => {
    const token = generateToken(kind);
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token).toHaveLength(54);
    expect(token.startsWith(`tes_${kind}_`)).toBe(true);
    expect(parseToken(token)).toBe(kind);
  });

  it('computes the checksum as base62 CRC-32 (zlib) of the prefix and random part, padded to 6', () => {
    // CRC-32 of "tes_pat_" + 40 zeros, computed independently with zlib.crc32.
    const body = `tes_pat_${'0'.repeat(40)}`;
    expect(checksumOf(body)).toBe(encodeBase62(crc32(body), 6));
    expect(encodeBase62(0, 6)).toBe('000000');
    expect(encodeBase62(61, 6)).toBe('00000z');
    expect(encodeBase62(62, 6)).toBe('000010');
    expect(encodeBase62(0xffffffff, 6)).toBe('4gfFC3');
  });

  it('has no duplicates in 100 000 tokens (CSPRNG entropy)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateToken('pat'));
    expect(seen.size).toBe(100_000);
  });

  it('uses the whole base62 alphabet in the random part', () => {
    const used = new Set<string>();
    for (let i = 0; i < 200; i++) for (const ch of generateToken('pat').slice(8, 48)) used.add(ch);
    expect([...used].sort().join('')).toBe([...BASE62].sort().join(''));
  });

  it('rejects any single-character substitution, deletion or insertion (property)', () => {
    const token = fc.constantFrom(...TOKEN_KINDS).map((kind) => generateToken(kind));
    const position = fc.nat({ max: 53 });
    const char = fc.constantFrom(...BASE62, '_', '-', ' ', 'é', '\u0430');
    fc.assert(
      fc.property(token, position, char, (t, i, c) => {
        if (t[i] === c) return true;
        const substituted = t.slice(0, i) + c + t.slice(i + 1);
        const deleted = t.slice(0, i) + t.slice(i + 1);
        const inserted = t.slice(0, i) + c + t.slice(i);
        return (
          parseToken(substituted) === null && parseToken(deleted) === null && parseToken(inserted) === null
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary input and returns null for non-tokens', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = parseToken(value);
        return result === null || TOKEN_KINDS.includes(result);
      }),
    );
    for (const bad of [
      '',
      ' ',
      'tes_pat_',
      'x'.repeat(10_000),
      `tes_xyz_${'a'.repeat(46)}`,
      `TES_PAT_${'a'.repeat(46)}`,
    ]) {
      expect(parseToken(bad)).toBeNull();
    }
  });

  it('matches no random non-token strings with the scanner pattern plus checksum', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 54, maxLength: 54 }), (s) => parseToken(s) === null),
      { numRuns: 10_000 },
    );
  });

  it('stores lower-case hex SHA-256 and previews only prefix + 4 characters', () => {
    const token = generateToken('pat');
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(previewToken(token)).toBe(`${token.slice(0, 12)}…`);
  });
});
