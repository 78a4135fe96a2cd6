import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../test/agent-helpers.ts';
import { createPat } from '../../../test/fixtures/index.ts';
import { accessTokenFor, bearer, signUp, useTestApp } from '../../../test/harness.ts';
import { oauthForm, tokenForm } from '../../../test/oauth-flows.ts';
import { MAX_JSON_DEPTH } from './body-parsers.ts';
import { nulAt } from './validation.ts';

const ctx = useTestApp();

const JSON_HEADERS = { 'content-type': 'application/json' };
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

function nested(depth: number, inner = '1'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

/**
 * `method url` labelled application/json without a body, or with the empty or blank `payload`
 * given; `headers` add the credential (and anything else).
 */
function sendEmptyJson(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: string,
) {
  return ctx.app.inject({
    method,
    url,
    headers: { ...JSON_HEADERS, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

describe('deeply nested JSON (issue 10 item 6)', () => {
  const alertHeaders = {
    ...JSON_HEADERS,
    'github-public-key-identifier': 'abc',
    'github-public-key-signature': 'MEUCIQ==',
  };

  it('answers 100,000 levels on the open secret-scanning schema with 400 invalid_json, not 500', async () => {
    const payload = `[{"token":"x","type":"t","extra":${nested(100_000)}}]`;
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/secret-scanning/github',
      headers: alertHeaders,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_json' });
    expect(response.json().detail).toContain(`${MAX_JSON_DEPTH} levels`);
  });

  it('refuses the same nesting on every other JSON route (token endpoint, agents)', async () => {
    const user = await signUp(ctx.app);
    const token = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: JSON_HEADERS,
      payload: `{"grant_type":"password","x":${nested(100_000)}}`,
    });
    expect(token.statusCode).toBe(400);
    expect(token.json()).toMatchObject({ error: 'invalid_request' });
    const agent = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { ...JSON_HEADERS, cookie: user.cookie },
      payload: `{"name":${nested(100_000, '"x"')}}`,
    });
    expect(agent.statusCode).toBe(400);
    expect(agent.json().code).toBe('invalid_json');
  });

  it('lets nesting up to the limit through to the route, and counts brackets inside strings as text', async () => {
    const within = `[{"token":"x","type":"t","extra":${nested(MAX_JSON_DEPTH - 2)},"s":"${'['.repeat(500)}"}]`;
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/secret-scanning/github',
      headers: alertHeaders,
      payload: within,
    });
    // Parsed and validated; refused only because the signature is not GitHub's.
    expect(response.statusCode).toBe(401);
  });

  it('scans a 100,000-deep value for U+0000 without recursion', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = { a: deep };
    expect(nulAt(deep)).toBe('/a'.repeat(100_000));
    expect(nulAt({ b: ['ok', { 'k\u0000': 1 }] })).toBe('/b/1/k\u0000');
  });
});

describe('an empty body with Content-Type: application/json is no body (issue 10 "Bodies", issue 11 item 2)', () => {
  it('deletes an agent, a token and signs out with the header and no body', async () => {
    const user = await signUp(ctx.app);
    const { access_token } = await accessTokenFor(ctx.app, user);
    const agent = await createAgent(ctx.app, bearer(access_token));
    const deleted = await sendEmptyJson('DELETE', `/api/agents/${agent.agent_id}`, bearer(access_token));
    expect(deleted.statusCode).toBe(204);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie: user.cookie },
      payload: { name: 'to delete', scopes: ['agents:read'] },
    });
    const revoked = await sendEmptyJson(
      'DELETE',
      `/api/account/tokens/${created.json().token.id}`,
      { 'content-length': '0', cookie: user.cookie },
      '',
    );
    expect(revoked.statusCode).toBe(204);
    const listed = await sendEmptyJson('GET', '/api/agents', bearer(access_token));
    expect(listed.statusCode).toBe(200);
    const logout = await sendEmptyJson('POST', '/api/auth/logout', { cookie: user.cookie }, ' \n');
    expect(logout.statusCode).toBe(204);
  });

  it.each([
    ['POST', '/api/agents'],
    ['POST', '/api/account/tokens'],
    ['POST', '/api/provider-accounts'],
  ])('still answers 400 invalid_request on %s %s, which needs a body', async (method, url) => {
    const user = await signUp(ctx.app);
    for (const payload of ['', '  ']) {
      const response = await sendEmptyJson(method as 'POST', url, { cookie: user.cookie }, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [{ path: 'body', message: 'a JSON body is required' }],
      });
    }
  });

  it('answers the same with no Content-Type and no body', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_request');
  });
});

describe('forms only where OAuth needs them (issue 10 item 9)', () => {
  it('refuses a cookie-authenticated form that would add a provider account, and adds nothing', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/provider-accounts',
      headers: { ...FORM_HEADERS, cookie: user.cookie, origin: 'http://localhost:3000' },
      payload: 'provider=github&name=evil&token=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('unsupported_media_type');
    const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(list.json().accounts).toEqual([]);
  });

  it('refuses a form that would rename a token, and leaves the name', async () => {
    const user = await signUp(ctx.app);
    const id = (await createPat(ctx.app, user, { name: 'original', scopes: ['agents:read'] })).token.id;
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${id}`,
      headers: { ...FORM_HEADERS, cookie: user.cookie },
      payload: 'name=renamed',
    });
    expect(response.statusCode).toBe(415);
    const after = await ctx.app.inject({
      url: `/api/account/tokens/${id}`,
      headers: { cookie: user.cookie },
    });
    expect(after.json().name).toBe('original');
  });

  it('refuses forms on the web-only OAuth decision routes too', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/device/decision',
      headers: { ...FORM_HEADERS, cookie: user.cookie },
      payload: 'user_code=ABCD-EFGH&approve=true',
    });
    expect(response.statusCode).toBe(415);
  });

  it('accepts forms on the token, revoke and device authorization endpoints', async () => {
    const user = await signUp(ctx.app);
    const token = await ctx.app.inject(
      tokenForm({ grant_type: 'password', username: user.email, password: user.password }),
    );
    expect(token.statusCode).toBe(200);
    const revoke = await ctx.app.inject(
      oauthForm('/api/oauth/revoke', { token: token.json().refresh_token }),
    );
    expect(revoke.statusCode).toBe(200);
    const device = await ctx.app.inject(
      oauthForm('/api/oauth/device_authorization', { client_id: 'tessera-cli' }),
    );
    expect(device.statusCode).toBe(200);
  });
});
