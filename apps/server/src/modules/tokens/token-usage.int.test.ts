import { beforeAll, describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { bearer, signUp, type TestUser, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';
import { leastGrantCovering } from './tokens.service.ts';

// Issue #16 item 4 (ADR 0031): granted versus used scopes, and the one-click reduction.
const ctx = useTestApp();
let app: App;
beforeAll(() => {
  app = ctx.app;
});

const as = (user: TestUser) => ({ cookie: user.cookie });

describe('leastGrantCovering', () => {
  it('keeps a write only where a write was used, within the grant', () => {
    expect(leastGrantCovering(['agents:write', 'repos:read'], ['agents:read'])).toEqual(['agents:read']);
    expect(leastGrantCovering(['agents:write'], ['agents:read', 'agents:write'])).toEqual(['agents:write']);
    expect(leastGrantCovering(['agents:read'], ['repos:read'])).toEqual([]);
    expect(leastGrantCovering(['agents:write', 'tasks:write'], [])).toEqual([]);
  });
});

describe('least-privilege report', () => {
  it('counts the scopes a PAT exercised (batched) and suggests the reduction, which applies and binds', async () => {
    const user = await signUp(app);
    const { token, secret } = await createPat(app, user, {
      name: 'wide',
      scopes: ['agents:write', 'repos:read', 'profile:read'],
      expires_in_days: 7,
    });
    const usage = async () =>
      (await app.inject({ url: `/api/account/tokens/${token.id}/usage`, headers: as(user) })).json();
    expect((await usage()).used).toEqual([]);
    expect((await usage()).reducible).toBe(false);

    for (let i = 0; i < 3; i++) await app.inject({ url: '/api/agents', headers: bearer(secret) });
    await app.inject({ url: '/api/me', headers: bearer(secret) });
    // An `any` route exercises no scope; a refused request exercises none either.
    await app.inject({ url: '/api/tokens/self', headers: bearer(secret) });
    await app.inject({ url: '/api/task-groups', headers: bearer(secret) });
    expect((await usage()).used).toEqual([]);
    await app.credentials.activity.flush();

    const report = await usage();
    const today = new Date().toISOString().slice(0, 10);
    expect(report).toMatchObject({
      days: 30,
      granted: ['agents:write', 'repos:read', 'profile:read'],
      used: [
        { scope: 'agents:read', uses: 3, last_used_on: today },
        { scope: 'profile:read', uses: 1, last_used_on: today },
      ],
      suggested_scopes: ['agents:read', 'profile:read'],
      reducible: true,
    });

    const reduced = await app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${token.id}`,
      headers: as(user),
      payload: { scopes: report.suggested_scopes },
    });
    expect(reduced.json().scopes).toEqual(['agents:read', 'profile:read']);
    const write = await app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: bearer(secret),
      payload: { name: 'x', description: '', category: 'coding', tags: [], visibility: 'private' },
    });
    expect(write.statusCode).toBe(403);
    expect((await usage()).reducible).toBe(false);
  });
});
