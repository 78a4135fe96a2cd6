import { beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, bearer, signUp, useSecondApp, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

const ctx = useTestApp();
const requireExpiry = useSecondApp(ctx, {
  env: { TOKEN_REQUIRE_EXPIRY: 'true', TOKEN_MAX_LIFETIME_DAYS: '90' },
});
let app: App;
let requireExpiryApp: App;
beforeAll(() => {
  app = ctx.app;
  requireExpiryApp = requireExpiry.app;
});

async function generate(target: App, cookie: string) {
  const response = await target.inject({
    method: 'POST',
    url: '/api/users/pat/generate',
    headers: { cookie },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as {
    success: true;
    pat: string;
    pat_info: { has_pat: boolean; token_id: string; pat_preview: string; expires_at: string | null };
  };
}

const revokePat = (cookie: string) =>
  app.inject({ method: 'DELETE', url: '/api/users/pat/revoke', headers: { cookie } });

const updateProfile = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: '/api/users/profile', headers, payload });

describe('GET /api/users/pat', () => {
  it('says has_pat: false with nulls when the user has no PAT', async () => {
    const user = await signUp(app);
    const response = await app.inject({ url: '/api/users/pat', headers: { cookie: user.cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      pat_info: {
        has_pat: false,
        created_at: null,
        last_used: null,
        pat_preview: null,
        token_id: null,
        expires_at: null,
      },
    });
  });

  it('describes the newest active PAT in the registry document shape', async () => {
    const user = await signUp(app);
    await generate(app, user.cookie);
    const newest = await generate(app, user.cookie);
    const response = await app.inject({ url: '/api/users/pat', headers: { cookie: user.cookie } });
    const body = response.json();
    expect(body.success).toBe(true);
    expect(body.pat_info).toMatchObject({
      has_pat: true,
      pat_preview: newest.pat_info.pat_preview,
      token_id: newest.pat_info.token_id,
      last_used: null,
    });
    expect(body.pat_info.pat_preview).toMatch(/^tes_pat_[0-9A-Za-z]{4}…$/);
    expect(Date.parse(body.pat_info.created_at)).not.toBeNaN();
  });
});

describe('POST /api/users/pat/generate', () => {
  it('creates a non-expiring PAT with full agent access, shown once, that works on the agents API', async () => {
    const user = await signUp(app);
    const generated = await generate(app, user.cookie);
    expect(generated.pat).toMatch(/^tes_pat_[0-9A-Za-z]{46}$/);
    expect(generated.pat_info.expires_at).toBeNull();

    const token = await app.inject({
      url: `/api/account/tokens/${generated.pat_info.token_id}`,
      headers: { cookie: user.cookie },
    });
    expect(token.json()).toMatchObject({
      kind: 'personal',
      scopes: ['agents:read', 'agents:write'],
      status: 'active',
    });
    expect(token.body).not.toContain(generated.pat);

    const created = await app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: bearer(generated.pat),
      payload: { name: 'A', description: '', category: 'automation', tags: [], visibility: 'public' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('is audited like any PAT creation (token.created)', async () => {
    const user = await signUp(app);
    const generated = await generate(app, user.cookie);
    const log = await app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
    const created = log.json().events.find((event: { action: string }) => event.action === 'token.created');
    expect(created).toMatchObject({ target_id: generated.pat_info.token_id });
  });

  it("gives the policy's maximum lifetime when the operator requires expiry", async () => {
    const user = await signUp(requireExpiryApp);
    const before = Date.now();
    const generated = await generate(requireExpiryApp, user.cookie);
    const days = (Date.parse(generated.pat_info.expires_at!) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
  });
});

describe('DELETE /api/users/pat/revoke', () => {
  it('revokes the PAT GET /api/users/pat describes, which then stops working', async () => {
    const user = await signUp(app);
    const older = await generate(app, user.cookie);
    const newest = await generate(app, user.cookie);
    const response = await revokePat(user.cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      pat_info: { token_id: newest.pat_info.token_id, pat_preview: newest.pat_info.pat_preview },
    });
    expect((await app.inject({ url: '/api/agents', headers: bearer(newest.pat) })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/agents', headers: bearer(older.pat) })).statusCode).toBe(200);

    const info = await app.inject({ url: '/api/users/pat', headers: { cookie: user.cookie } });
    expect(info.json().pat_info.token_id).toBe(older.pat_info.token_id);
  });

  it('answers 404 when there is nothing to revoke', async () => {
    const user = await signUp(app);
    const response = await revokePat(user.cookie);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'not_found' });
  });
});

describe('/api/users/profile', () => {
  it('reads and updates the display name', async () => {
    const user = await signUp(app);
    const read = await app.inject({ url: '/api/users/profile', headers: { cookie: user.cookie } });
    expect(read.json()).toMatchObject({
      success: true,
      profile: { user_id: user.id, email: user.email, name: null },
    });

    const { access_token } = await accessTokenFor(app, user);
    const updated = await updateProfile(bearer(access_token), { name: '  Ada  ' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().profile.name).toBe('Ada');
    const me = await app.inject({ url: '/api/me', headers: { cookie: user.cookie } });
    expect(me.json().user.name).toBe('Ada');
  });

  it('refuses unknown members, naming them', async () => {
    const user = await signUp(app);
    const response = await updateProfile(
      { cookie: user.cookie },
      { name: 'Ada', email: 'other@example.test' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toMatchObject([{ path: 'body.email', message: expect.any(String) }]);
  });
});

describe('interactive only', () => {
  it.each([
    ['GET', '/api/users/profile'],
    ['PUT', '/api/users/profile'],
    ['GET', '/api/users/pat'],
    ['POST', '/api/users/pat/generate'],
    ['DELETE', '/api/users/pat/revoke'],
  ] as const)('%s %s refuses a PAT with 401 interactive_credential_required', async (method, url) => {
    const user = await signUp(app);
    const { pat } = await generate(app, user.cookie);
    const response = await app.inject({
      method,
      url,
      headers: bearer(pat),
      ...(method === 'PUT' ? { payload: { name: 'x' } } : {}),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'interactive_credential_required' });
    // The PAT is untouched.
    const info = await app.inject({ url: '/api/users/pat', headers: { cookie: user.cookie } });
    expect(info.json().pat_info.has_pat).toBe(true);
  });
});
