import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSecretCipher,
  DecryptionError,
  keyIdOf,
  parseEnvelope,
  UnknownKeyError,
} from './secret-cipher.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k0 = { id: 'k0', key: randomBytes(32) };
const AAD = 'pa_1|usr_1|github';
const SECRET = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

/** Replaces part `index` of a `v1|kid|iv|ct|tag` envelope. */
function withPart(stored: string, index: number, change: (part: string) => string): string {
  const parts = stored.split('|');
  parts[index] = change(parts[index]!);
  return parts.join('|');
}

function flipFirstBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64');
}

describe('secret cipher (AES-256-GCM with a keyring)', () => {
  const cipher = createSecretCipher([k1, k0]);

  it('round-trips and stores v1|keyId|iv(12 B)|ct|tag(16 B) without the plaintext', () => {
    const stored = cipher.encrypt(SECRET, AAD);
    expect(stored).toMatch(/^v1\|k1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/);
    const envelope = parseEnvelope(stored);
    expect(envelope.iv).toHaveLength(12);
    expect(envelope.tag).toHaveLength(16);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(cipher.decrypt(stored, AAD)).toBe(SECRET);
    expect(keyIdOf(stored)).toBe('k1');
  });

  it('draws a fresh nonce for every encryption: the same input never gives the same output', () => {
    const a = cipher.encrypt(SECRET, AAD);
    const b = cipher.encrypt(SECRET, AAD);
    expect(a).not.toBe(b);
    expect(parseEnvelope(a).iv.equals(parseEnvelope(b).iv)).toBe(false);
    expect(parseEnvelope(a).ciphertext.equals(parseEnvelope(b).ciphertext)).toBe(false);
  });

  it('has no nonce collision over 100 000 encryptions', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(cipher.encrypt('x', AAD).split('|')[2]!);
    expect(seen.size).toBe(100_000);
  });

  it('refuses other associated data (a ciphertext moved to another row, user or provider)', () => {
    const stored = cipher.encrypt(SECRET, AAD);
    for (const aad of ['pa_2|usr_1|github', 'pa_1|usr_2|github', 'pa_1|usr_1|gitlab', '']) {
      expect(() => cipher.decrypt(stored, aad)).toThrow(DecryptionError);
    }
  });

  it.each([
    ['the version', 0, () => 'v2'],
    ['the IV', 2, flipFirstBit],
    ['the ciphertext', 3, flipFirstBit],
    ['the tag', 4, flipFirstBit],
    ['the key id (to another key of the ring)', 1, () => 'k0'],
  ])('throws when %s is tampered with', (_label, index, change) => {
    const stored = cipher.encrypt(SECRET, AAD);
    expect(() => cipher.decrypt(withPart(stored, index, change), AAD)).toThrow(DecryptionError);
  });

  it('throws UnknownKeyError, naming the id, for a key that is not in the ring', () => {
    const stored = cipher.encrypt(SECRET, AAD);
    const moved = withPart(stored, 1, () => 'gone');
    expect(() => cipher.decrypt(moved, AAD)).toThrow(UnknownKeyError);
    expect(() => cipher.decrypt(moved, AAD)).toThrow(/"gone"/);
  });

  it.each([12, 8, 4])('rejects a tag truncated to %i bytes', (length) => {
    const stored = cipher.encrypt(SECRET, AAD);
    const truncated = withPart(stored, 4, (tag) =>
      Buffer.from(tag, 'base64').subarray(0, length).toString('base64'),
    );
    expect(() => cipher.decrypt(truncated, AAD)).toThrow(DecryptionError);
  });

  it('rejects a genuine short-tag GCM ciphertext that Node 20 would otherwise accept', () => {
    // Built outside our encrypt(): a real 4-byte-tag GCM message under the right key.
    const iv = randomBytes(12);
    const gcm = createCipheriv('aes-256-gcm', k1.key, iv, { authTagLength: 4 });
    gcm.setAAD(Buffer.from(AAD));
    const ct = Buffer.concat([gcm.update(SECRET), gcm.final()]);
    const forged = [
      'v1',
      'k1',
      iv.toString('base64'),
      ct.toString('base64'),
      gcm.getAuthTag().toString('base64'),
    ].join('|');
    expect(() => cipher.decrypt(forged, AAD)).toThrow(DecryptionError);
  });

  it('rejects non-canonical base64 (a changed padding bit that Node would decode to the same bytes)', () => {
    const stored = cipher.encrypt('a', AAD);
    // One plaintext byte gives a 4-character base64 part ending in "==": its last data
    // character carries 4 unused bits.
    const ct = stored.split('|')[3]!;
    expect(ct).toMatch(/==$/);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(ct[1]!);
    const sameBytes = `${ct[0]}${alphabet[last ^ 1]}==`;
    expect(Buffer.from(sameBytes, 'base64').equals(Buffer.from(ct, 'base64'))).toBe(true);
    expect(() =>
      cipher.decrypt(
        withPart(stored, 3, () => sameBytes),
        AAD,
      ),
    ).toThrow(DecryptionError);
  });

  it('never opens a value after any single-character change (property)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=|vk_-';
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.nat(),
        fc.constantFrom(...alphabet.split('')),
        (plaintext, position, replacement) => {
          const stored = cipher.encrypt(plaintext, AAD);
          const index = position % stored.length;
          const changed = stored.slice(0, index) + replacement + stored.slice(index + 1);
          if (changed === stored) return;
          let opened: string | undefined;
          try {
            opened = cipher.decrypt(changed, AAD);
          } catch (error) {
            expect(error instanceof DecryptionError || error instanceof UnknownKeyError).toBe(true);
            return;
          }
          throw new Error(
            `a changed envelope opened (to ${opened === plaintext ? 'the plaintext' : 'other text'})`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps old keys for decryption: the first key encrypts, the others still open', () => {
    const old = createSecretCipher([k0]).encrypt(SECRET, AAD);
    expect(keyIdOf(old)).toBe('k0');
    expect(cipher.decrypt(old, AAD)).toBe(SECRET);
    expect(cipher.isStale(old)).toBe(true);
    expect(cipher.isStale(cipher.encrypt(SECRET, AAD))).toBe(false);
  });

  it('refuses a keyring that is empty, has a short key or a duplicate id', () => {
    expect(() => createSecretCipher([])).toThrow(/empty/);
    expect(() => createSecretCipher([{ id: 'k1', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => createSecretCipher([k1, { id: 'k1', key: randomBytes(32) }])).toThrow(/twice/);
  });

  it('says nothing about the key, the ciphertext or the plaintext in its error', () => {
    const stored = cipher.encrypt(SECRET, AAD);
    try {
      cipher.decrypt(stored, 'other');
      expect.unreachable();
    } catch (error) {
      const text = `${(error as Error).message} ${(error as Error).stack}`;
      expect(text).not.toContain(SECRET.slice(4));
      expect(text).not.toContain(stored.split('|')[3]!);
      expect(text).not.toContain(k1.key.toString('base64'));
    }
  });
});
