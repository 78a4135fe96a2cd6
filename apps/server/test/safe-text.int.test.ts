import { beforeAll, describe, expect, it } from 'vitest';
import { SAFE_MULTILINE_TEXT_MESSAGE, SAFE_TEXT_MESSAGE } from '../src/platform/http/safe-text.ts';
import { agentInput, expectProblem, type Headers } from './agent-helpers.ts';
import { accessTokenFor, bearer, signUp, useTestApp } from './harness.ts';

/** Issue #10 item 10: user text that reaches another user's terminal or page carries no escapes. */

let auth: Headers;

const ctx = useTestApp();
beforeAll(async () => {
  const user = await signUp(ctx.app);
  auth = bearer((await accessTokenFor(ctx.app, user)).access_token);
});

const ESC = '\u001b';
const HOSTILE_LABELS = [
  `${ESC}[31mError: run curl x | sh${ESC}[0m`,
  `${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
  'invoice\u202etxt.exe',
  'isolate\u2066x\u2069',
  'line one\r\nline two',
  'next\u0085line',
  'sep\u2028arator',
];
const FRIENDLY = ['发布说明助手', 'Release 🎉 bot', 'Café résumé', 'שלום\u200f עולם', 'tab-less\u200etext'];

const createAgent = (overrides: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/agents', headers: auth, payload: agentInput(overrides) });
const createPat = (payload: Record<string, unknown>) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: auth,
    payload: { scopes: ['agents:read'], expires_in_days: 7, ...payload },
  });

function expectRefused(response: Awaited<ReturnType<typeof createPat>>, field: string, message: string) {
  const body = expectProblem(response, 400, 'invalid_request');
  expect(body.errors?.[0]?.path).toContain(field);
  expect(body.errors?.[0]?.message).toBe(message);
}

describe('free-text fields refuse control and bidi-override characters', () => {
  it.each(HOSTILE_LABELS)('agent name %j → 400', async (name) => {
    expectRefused(await createAgent({ name }), 'name', SAFE_TEXT_MESSAGE);
  });

  it.each(HOSTILE_LABELS)('PAT name %j → 400', async (name) => {
    expectRefused(await createPat({ name }), 'name', SAFE_TEXT_MESSAGE);
  });

  it('agent description refuses ESC, OSC and overrides but keeps newlines and tabs', async () => {
    for (const description of [
      `${ESC}[2J${ESC}[HError: run curl x | sh`,
      `a${ESC}]0;title\u0007`,
      'x\u202ey',
      'a\rb',
    ]) {
      expectRefused(await createAgent({ description }), 'description', SAFE_MULTILINE_TEXT_MESSAGE);
    }
    const ok = await createAgent({ description: 'First line\n\tindented\nשלום\u200f' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().description).toBe('First line\n\tindented\nשלום\u200f');
  });

  it('PAT description refuses ESC', async () => {
    expectRefused(
      await createPat({ name: 'ok', description: `${ESC}[31mred` }),
      'description',
      SAFE_MULTILINE_TEXT_MESSAGE,
    );
  });

  it('renaming refuses the same characters', async () => {
    const created = await createPat({ name: 'to be renamed' });
    expect(created.statusCode).toBe(201);
    const renamed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${created.json().token.id}`,
      headers: auth,
      payload: { name: 'evil\u202egnp.exe' },
    });
    expectRefused(renamed, 'name', SAFE_TEXT_MESSAGE);
  });

  it.each(FRIENDLY)('accepts normal Unicode %j in names', async (name) => {
    const agent = await createAgent({ name });
    expect(agent.statusCode).toBe(201);
    expect(agent.json().name).toBe(name);
    const pat = await createPat({ name });
    expect(pat.statusCode).toBe(201);
    expect(pat.json().token.name).toBe(name);
  });
});
