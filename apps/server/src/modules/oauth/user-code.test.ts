import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
} from './user-code.ts';

/** The forms RFC 8628 §6.1 codes take here, written out rather than built from the module's constants. */
const STORED = /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/;
const DISPLAYED = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

describe('device user codes (RFC 8628 §6.1)', () => {
  it('are 8 letters of BCDFGHJKLMNPQRSTVWXZ, shown as XXXX-XXXX', () => {
    for (let i = 0; i < 1000; i += 1) {
      const code = generateUserCode();
      expect(code).toMatch(STORED);
      expect(formatUserCode(code)).toMatch(DISPLAYED);
    }
  });

  it('use every letter of the alphabet (no bias that drops letters)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) for (const letter of generateUserCode()) seen.add(letter);
    expect([...seen].sort().join('')).toBe(USER_CODE_ALPHABET);
  });

  it.each(['WDJB-MJHT', 'wdjb-mjht', 'wdjbmjht', ' WdJb - MjHt ', 'W-D-J-B-M-J-H-T'])(
    'are entered case- and dash-insensitively: %j',
    (input) => {
      expect(normalizeUserCode(input)).toBe('WDJBMJHT');
    },
  );

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
        expect(result === null || STORED.test(result)).toBe(true);
      }),
    );
  });
});
