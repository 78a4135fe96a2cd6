import { describe, expect, it } from 'vitest';
import { createAgent } from './agent-helpers.ts';
import { signUp, useTestApp } from './harness.ts';

/** Issue 10 item 7: crafted cursors are 400 invalid_request on every paged list, never 500. */

const ctx = useTestApp();

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('crafted cursors', () => {
  it('answers the audit-log cursor base64url("9999999999999999999") (bigint out of range) with 400', async () => {
    const user = await signUp(ctx.app);
    for (const cursor of [b64('9999999999999999999'), b64('1'), b64('0'), 'AAAA']) {
      const response = await ctx.app.inject({
        url: `/api/account/audit-log?cursor=${cursor}`,
        headers: { cookie: user.cookie },
      });
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [{ path: 'query.cursor', message: 'must be a next_cursor from this list' }],
      });
    }
  });

  it('answers the agents cursor base64url("999999999999999:agt_x") with 400', async () => {
    const user = await signUp(ctx.app);
    for (const cursor of [b64('999999999999999:agt_x'), b64('1700000000000:agt_x')]) {
      const response = await ctx.app.inject({
        url: `/api/agents?cursor=${cursor}`,
        headers: { cookie: user.cookie },
      });
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json().code).toBe('invalid_request');
    }
  });

  it("refuses one list's cursor on another list, and pages both with their own cursors", async () => {
    const user = await signUp(ctx.app);
    for (let i = 0; i < 3; i += 1)
      await createAgent(ctx.app, { cookie: user.cookie }, { name: `agent ${i}` });
    const agents = (
      await ctx.app.inject({ url: '/api/agents?mine=true&limit=2', headers: { cookie: user.cookie } })
    ).json();
    const audit = (
      await ctx.app.inject({ url: '/api/account/audit-log?limit=2', headers: { cookie: user.cookie } })
    ).json();
    expect(agents.next_cursor).toEqual(expect.any(String));
    expect(audit.next_cursor).toEqual(expect.any(String));
    const crossed = await ctx.app.inject({
      url: `/api/account/audit-log?cursor=${agents.next_cursor}`,
      headers: { cookie: user.cookie },
    });
    expect(crossed.statusCode).toBe(400);
    const crossedBack = await ctx.app.inject({
      url: `/api/agents?cursor=${audit.next_cursor}`,
      headers: { cookie: user.cookie },
    });
    expect(crossedBack.statusCode).toBe(400);
    const next = await ctx.app.inject({
      url: `/api/agents?mine=true&limit=2&cursor=${agents.next_cursor}`,
      headers: { cookie: user.cookie },
    });
    expect(next.json().agents).toHaveLength(1);
    const nextAudit = await ctx.app.inject({
      url: `/api/account/audit-log?limit=2&cursor=${audit.next_cursor}`,
      headers: { cookie: user.cookie },
    });
    expect(nextAudit.statusCode).toBe(200);
  });
});
