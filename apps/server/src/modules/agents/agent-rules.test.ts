import { describe, expect, it } from 'vitest';
import {
  CATEGORY_MAX_LENGTH,
  CATEGORY_PATTERN,
  containsPattern,
  SUGGESTED_AGENT_CATEGORIES,
  uniqueTags,
} from './agent-rules.ts';

describe('category slugs (ADR 0017: open, validated)', () => {
  const isSlug = (value: string) => new RegExp(CATEGORY_PATTERN).test(value);

  it('takes lower-case words of letters and digits joined by single hyphens', () => {
    for (const slug of ['automation', 'code-review', 'web3', 'a-b-c', '2024-agents'])
      expect(isSlug(slug)).toBe(true);
  });

  it('refuses capitals, spaces, underscores, empty words and hyphens at either end', () => {
    for (const value of [
      'Automation',
      'code review',
      'code_review',
      'code--review',
      '-coding',
      'coding-',
      '',
    ])
      expect(isSlug(value)).toBe(false);
  });

  it('accepts every suggested category, each within the length limit and listed once', () => {
    const ids = SUGGESTED_AGENT_CATEGORIES.ids;
    for (const id of ids) {
      expect(isSlug(id)).toBe(true);
      expect(id.length).toBeLessThanOrEqual(CATEGORY_MAX_LENGTH);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('uniqueTags', () => {
  it('keeps each tag once, where it first appears', () => {
    expect(uniqueTags(['ml', 'cli', 'ml', 'bot', 'cli'])).toEqual(['ml', 'cli', 'bot']);
    expect(uniqueTags([])).toEqual([]);
  });
});

describe('containsPattern: a search string matched literally anywhere', () => {
  it('wraps plain text in %…%', () => {
    expect(containsPattern('review')).toBe('%review%');
  });

  it('escapes LIKE wildcards and the escape character itself', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('snake_case')).toBe('%snake\\_case%');
    expect(containsPattern('a\\b')).toBe('%a\\\\b%');
  });
});
