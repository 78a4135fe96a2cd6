import { beforeAll, describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { bearer, signUp, useTestApp } from '../../../test/harness.ts';

/** Categories are an open, validated slug with a suggested list (ADR 0017). */

let pat: string;

const ctx = useTestApp();
beforeAll(async () => {
  const user = await signUp(ctx.app);
  pat = (await createPat(ctx.app, user, { name: 'registry', scopes: ['agents:write'] })).secret;
});

const agent = (category: unknown) => ({
  name: 'Task Automation Agent',
  description: 'Automates repetitive tasks',
  category,
  tags: [],
  visibility: 'public',
});

/** `POST /api/agents` with the registry PAT. */
const create = (payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/agents', headers: bearer(pat), payload });

describe('GET /api/categories', () => {
  it('serves the suggested list publicly, including every value the registry document uses', async () => {
    const response = await ctx.app.inject({ url: '/api/categories' });
    expect(response.statusCode).toBe(200);
    const ids = response.json().categories.map((category: { id: string }) => category.id);
    expect(ids).toEqual(expect.arrayContaining(['automation', 'other', 'coding']));
    for (const category of response.json().categories) expect(category.name).toEqual(expect.any(String));
  });
});

describe('category on create, update and list', () => {
  it.each(['automation', 'other', 'code-review', 'ml2'])('accepts %s', async (category) => {
    const response = await create(agent(category));
    expect(response.statusCode).toBe(201);
    expect(response.json().category).toBe(category);
    const listed = await ctx.app.inject({
      url: `/api/agents?category=${category}&mine=true`,
      headers: bearer(pat),
    });
    expect(listed.json().agents.map((a: { category: string }) => a.category)).toContain(category);
  });

  it.each([
    ['upper case', 'Automation'],
    ['a space', 'task automation'],
    ['a leading hyphen', '-x'],
    ['a double hyphen', 'a--b'],
    ['empty', ''],
    ['too long', 'a'.repeat(33)],
    ['not a string', 7],
  ])('refuses %s, naming the rule and the suggested values', async (_label, category) => {
    const response = await create(agent(category));
    expect(response.statusCode).toBe(400);
    const [error] = response.json().errors;
    expect(error.path).toBe('body.category');
    if (typeof category === 'string' && category.length > 0 && category.length <= 32) {
      expect(error.message).toContain('^[a-z0-9]+(-[a-z0-9]+)*$');
      expect(error.message).toContain('automation');
    }
  });

  it('refuses a bad category in a query string the same way', async () => {
    const response = await ctx.app.inject({
      url: '/api/agents?category=Not%20A%20Slug',
      headers: bearer(pat),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('query.category');
  });
});

describe('validation messages name what is allowed', () => {
  it('lists the values of an enum', async () => {
    const response = await create({ ...agent('automation'), visibility: 'secret' });
    expect(response.json().errors).toEqual([
      { path: 'body.visibility', message: 'must be one of: public, private' },
    ]);
    expect(response.json().message).toBe(response.json().detail);
  });
});
