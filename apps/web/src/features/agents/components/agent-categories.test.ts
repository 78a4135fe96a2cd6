import { describe, expect, it } from 'vitest';
import { isAgentCategory, isValidCategory, parseTags } from './agent-categories.ts';

describe('agent form helpers', () => {
  it('splits, trims, lower-cases and de-duplicates tags', () => {
    expect(parseTags(' Code-Review, python , ,python,ml ')).toEqual(['code-review', 'python', 'ml']);
    expect(parseTags('')).toEqual([]);
  });

  it('refuses tags the API would refuse', () => {
    expect(parseTags('good, not good')).toBeNull();
    expect(parseTags('under_score')).toBeNull();
    expect(parseTags('x'.repeat(33))).toBeNull();
  });

  it('knows the categories', () => {
    expect(isAgentCategory('coding')).toBe(true);
    expect(isAgentCategory('automation')).toBe(true);
    expect(isAgentCategory('cooking')).toBe(false);
  });

  it('accepts any slug the API accepts as a category', () => {
    expect(isValidCategory('cooking')).toBe(true);
    expect(isValidCategory('code-review')).toBe(true);
    expect(isValidCategory('Cooking')).toBe(false);
    expect(isValidCategory('a--b')).toBe(false);
    expect(isValidCategory('')).toBe(false);
    expect(isValidCategory('a'.repeat(33))).toBe(false);
  });
});
