import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, deriveCursorKeys } from '../../platform/cursor-codec.ts';
import { defineAgentCursor } from './agent-cursor.ts';
import { containsPattern, uniqueTags } from './agent-rules.ts';

const agentCursor = defineAgentCursor(createCursorCodec(deriveCursorKeys([])));

describe('agent list cursor', () => {
  it('decodes every position a list can hand out', () => {
    const position = fc.record({
      createdAt: fc.date({
        min: new Date(0),
        max: new Date('9999-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      }),
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,100}$/),
    });
    fc.assert(
      fc.property(position, (p) => {
        expect(agentCursor.tryDecode(agentCursor.encode(p))).toEqual(p);
      }),
    );
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
