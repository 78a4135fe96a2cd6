import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
} from './user-code.ts';

describe('device user codes (RFC 8628 §6.1)', () => {
  it('are 8 letters of BCDFGHJKLMNPQRSTVWXZ, shown as XXXX-XXXX', () => {
    for (let i = 0; i < 1000; i += 1) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(formatUserCode(code)).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    }
  });

  it('use every letter of the alphabet (no bias that drops letters)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) for (const letter of generateUserCode()) seen.add(letter);
    expect([...seen].sort().join('')).toBe(USER_CODE_ALPHABET);
  });

  it('are entered case- and dash-insensitively', () => {
    expect(normalizeUserCode('WDJB-MJHT')).toBe('WDJBMJHT');
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJBMJHT');
    expect(normalizeUserCode('wdjbmjht')).toBe('WDJBMJHT');
    expect(normalizeUserCode(' WdJb - MjHt ')).toBe('WDJBMJHT');
    expect(normalizeUserCode('W-D-J-B-M-J-H-T')).toBe('WDJBMJHT');
  });

  it.each(['', 'WDJB-MJH', 'WDJB-MJHTB', 'WDJB-MJHA', 'WDJB_MJHT', 'WDJB-MJH1', 'ＷDJB-MJHT'])(
    'refuses %j',
    (input) => {
      expect(normalizeUserCode(input)).toBeNull();
    },
  );

  it('normalises every displayed form of every code back to the code (property)', () => {
    const letter = fc.constantFrom(...USER_CODE_ALPHABET.split(''));
    fc.assert(
      fc.property(
        fc.array(letter, { minLength: USER_CODE_LENGTH, maxLength: USER_CODE_LENGTH }),
        fc.array(fc.boolean(), { minLength: USER_CODE_LENGTH, maxLength: USER_CODE_LENGTH }),
        (letters, lower) => {
          const code = letters.join('');
          const typed = formatUserCode(letters.map((l, i) => (lower[i] ? l.toLowerCase() : l)).join(''));
          expect(normalizeUserCode(typed)).toBe(code);
        },
      ),
    );
  });

  it('never throws and only ever returns a well-formed code (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (input) => {
        const result = normalizeUserCode(input);
        expect(result === null || /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/.test(result)).toBe(true);
      }),
    );
  });
});
