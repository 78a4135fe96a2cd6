import { describe, expect, it } from 'vitest';
import { createAgent } from './agent-helpers.ts';
import { signUp, useTestApp } from './harness.ts';

/** Issue 11 item 5: boolean query parameters read the same spellings on every route. */

const ctx = useTestApp();

describe('boolean query parameters', () => {
  it('accept true/false in any case and 1/0', async () => {
    const me = await signUp(ctx.app);
    const other = await signUp(ctx.app);
    const mine = await createAgent(ctx.app, { cookie: me.cookie }, { name: 'mine' });
    const theirs = await createAgent(ctx.app, { cookie: other.cookie }, { name: 'theirs' });
    const ids = async (mineValue: string) => {
      const response = await ctx.app.inject({
        url: `/api/agents?mine=${mineValue}&limit=100`,
        headers: { cookie: me.cookie },
      });
      expect(response.statusCode, mineValue).toBe(200);
      return (response.json().agents as Array<{ agent_id: string }>).map((agent) => agent.agent_id);
    };
    for (const yes of ['true', 'True', 'TRUE', '1']) expect(await ids(yes), yes).toEqual([mine.agent_id]);
    for (const no of ['false', 'False', 'FALSE', '0']) expect(await ids(no), no).toContain(theirs.agent_id);
  });

  it.each(['yes', 'on', '2', '', 'truee'])(
    'refuses mine=%s with 400 naming the allowed values',
    async (value) => {
      const me = await signUp(ctx.app);
      const response = await ctx.app.inject({
        url: `/api/agents?mine=${value}`,
        headers: { cookie: me.cookie },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [{ path: 'query.mine', message: 'must be one of true, 1, false, 0' }],
      });
    },
  );
});
