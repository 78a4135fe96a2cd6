import { describe, expect, it, onTestFinished } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { buildAppForTest, createTestStore, signUp, testConfig, useTestApp } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { generateToken } from '../../modules/credentials/token-format.ts';
import { ERROR_CODES } from '../errors.ts';

const ctx = useTestApp();

describe('error codes', () => {
  it('maps every code to the status of docs/api.md §2', () => {
    const contract: Record<string, number> = {
      unauthenticated: 401,
      invalid_token: 401,
      invalid_credentials: 401,
      interactive_credential_required: 401,
      insufficient_scope: 403,
      csrf_rejected: 403,
      network_not_allowed: 403,
      not_found: 404,
      invalid_request: 400,
      invalid_json: 400,
      unsupported_media_type: 415,
      payload_too_large: 413,
      conflict: 409,
      rate_limited: 429,
      policy_violation: 422,
    };
    for (const [code, status] of Object.entries(contract)) {
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status, code).toBe(status);
    }
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe('HTTP errors as problem+json', () => {
  it('answers an unknown route with 404 not_found without echoing the path', async () => {
    const secretish = generateToken('pat');
    const response = await ctx.app.inject({ url: `/api/nothing/${secretish}` });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = response.json();
    expect(body).toMatchObject({
      status: 404,
      code: 'not_found',
      title: expect.any(String),
      type: expect.any(String),
    });
    expect(response.body).not.toContain(secretish);
  });

  it('answers a wrong content type with 415, broken JSON with 400 invalid_json, and a huge body with 413', async () => {
    for (const [contentType, payload, status, code] of [
      ['text/plain', 'hello', 415, 'unsupported_media_type'],
      ['application/json', '{"email": ', 400, 'invalid_json'],
      [
        'application/json',
        JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(2 * 1024 * 1024) }),
        413,
        'payload_too_large',
      ],
    ] as const) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': contentType },
        payload,
      });
      expect(response.statusCode, code).toBe(status);
      expect(response.json().code).toBe(code);
    }
  });

  it('sends security headers and a charset on JSON', async () => {
    const response = await ctx.app.inject({ url: '/api/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toContain('max-age=');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-frame-options']).toBeDefined();
  });

  it('hides unexpected errors behind a generic 500 with a request id', async () => {
    const raw = await buildApp({ config: testConfig(), database: ctx.store, logger: false });
    onTestFinished(() => raw.close());
    raw.get('/api/test-explode', { config: { auth: 'public' } }, async () => {
      throw new Error('select password_hash from users where token = tes_pat_leak');
    });
    const response = await raw.inject({ url: '/api/test-explode' });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body.code).toBe('internal_error');
    expect(body.request_id).toBeTruthy();
    expect(response.body).not.toContain('password_hash');
    expect(response.body).not.toContain('tes_pat_leak');
    expect(response.body).not.toContain('at ');
  });

  it('refuses to start when an API route forgets to declare config.auth', async () => {
    const raw = await buildApp({ config: testConfig(), database: ctx.store, logger: false });
    expect(() => raw.get('/api/undeclared', async () => ({}))).toThrow(/config.auth/);
    await raw.close();
  });
});

describe('health and an unreachable store', () => {
  it('reports ok, then 503 with database down — and refuses to authenticate rather than allow', async () => {
    const doomed = await createTestStore();
    // Registered first, so it runs after the app is closed (onTestFinished hooks run in reverse).
    onTestFinished(() => doomed.destroy().catch(() => {}));
    const doomedApp = await buildAppForTest(doomed);
    const ok = await doomedApp.inject({ url: '/api/health' });
    expect(ok.json()).toEqual({ status: 'ok', database: 'ok' });
    const user = await signUp(doomedApp);
    const { secret } = await createPat(doomedApp, user, { name: 'x', scopes: ['profile:read'] });
    await doomed.db.destroy();
    const down = await doomedApp.inject({ url: '/api/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', database: 'down' });
    const auth = await doomedApp.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}` } });
    expect(auth.statusCode).toBe(503);
    expect(auth.json().code).toBe('service_unavailable');
  });
});
