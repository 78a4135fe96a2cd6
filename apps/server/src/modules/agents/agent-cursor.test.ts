import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAgentCursor, encodeAgentCursor } from './agent-cursor.ts';
import { containsPattern, uniqueTags } from './agent-rules.ts';

const position = fc.record({
  createdAt: fc.integer({ min: 0, max: 999_999_999_999_999 }).map((ms) => new Date(ms)),
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,100}$/),
});

describe('agent list cursor', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(decodeAgentCursor(encodeAgentCursor(p))).toEqual(p);
      }),
    );
  });

  it('never throws on arbitrary input, and accepts only the canonical encoding of a position', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), (input) => {
        const decoded = decodeAgentCursor(input);
        if (decoded) expect(encodeAgentCursor(decoded)).toBe(input);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a cursor with a character outside base64url put anywhere', () => {
    fc.assert(
      fc.property(position, fc.nat(), fc.constantFrom('!', '=', '.', ' ', '/', '+'), (p, at, bad) => {
        const cursor = encodeAgentCursor(p);
        const index = at % cursor.length;
        const tampered = cursor.slice(0, index) + bad + cursor.slice(index + 1);
        expect(decodeAgentCursor(tampered)).toBeNull();
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['no id', Buffer.from('17:').toString('base64url')],
    ['a leading zero', Buffer.from('017:agt_x').toString('base64url')],
    ['a 16-digit time', Buffer.from('1000000000000000:agt_x').toString('base64url')],
    ['a slash in the id', Buffer.from('17:agt/x').toString('base64url')],
    ['standard base64 padding', `${Buffer.from('17:agt_x').toString('base64url')}=`],
  ])('refuses %s', (_label, cursor) => {
    expect(decodeAgentCursor(cursor)).toBeNull();
  });
});

/** A reference implementation of SQL LIKE with `\` as the escape character. */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const character = pattern[i]!;
    if (character === '\\') {
      i += 1;
      source += (pattern[i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (character === '%') source += '[\\s\\S]*';
    else if (character === '_') source += '[\\s\\S]';
    else source += character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

describe('search pattern', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', '%', '_', '\\', ' ') });

  it('matches exactly the texts that contain the search string literally', () => {
    fc.assert(
      fc.property(text, text, text, text, (q, before, after, other) => {
        const like = likeToRegExp(containsPattern(q));
        expect(like.test(before + q + after)).toBe(true);
        expect(like.test(other)).toBe(other.includes(q));
      }),
      { numRuns: 500 },
    );
  });
});

describe('tags', () => {
  it('keeps each tag once, in the order first given', () => {
    expect(uniqueTags(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
  });
});
