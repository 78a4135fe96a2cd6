import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestStore, type TestStore } from '../../../test/harness.ts';
import { generateToken } from '../../modules/credentials/token-format.ts';
import type { App } from './schemas.ts';

// The headers helmet 13 sent with Tessera's CSP before they were precomputed: the contract for every response.
const EXPECTED = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self' http://127.0.0.1:* http://localhost:*;frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

let store: TestStore;
let webDist: string;
let app: App;
let httpsApp: App;

beforeAll(async () => {
  store = await createTestStore();
  webDist = mkdtempSync(path.join(os.tmpdir(), 'tessera-web-'));
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Tessera</title>');
  app = await buildTestApp(store, { env: { TESSERA_WEB_DIST: webDist } });
  httpsApp = await buildTestApp(store, {
    env: { TESSERA_WEB_DIST: webDist, PUBLIC_URL: 'https://tessera.example' },
  });
});
afterAll(async () => {
  await app.close();
  await httpsApp.close();
  await store.destroy();
  rmSync(webDist, { recursive: true, force: true });
});

function securityHeadersOf(headers: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, headers[name]]));
}

describe('security headers', () => {
  it('are the same on HTML, API, 401, 404 and validation-error responses', async () => {
    const responses = {
      html: await app.inject({ url: '/' }),
      // A browser navigation (docs/api.md §5: the web UI answers only requests that accept HTML).
      spaRoute: await app.inject({ url: '/tokens/new', headers: { accept: 'text/html' } }),
      api: await app.inject({ url: '/api/health' }),
      unauthenticated: await app.inject({ url: '/api/me' }),
      badToken: await app.inject({
        url: '/api/me',
        headers: { authorization: `Bearer ${generateToken('pat')}` },
      }),
      notFound: await app.inject({ url: '/api/no-such-thing' }),
      invalid: await app.inject({ method: 'POST', url: '/api/auth/login', payload: { nope: 1 } }),
    };
    expect(responses.html.headers['content-type']).toMatch(/^text\/html/);
    expect(responses.spaRoute.headers['content-type']).toMatch(/^text\/html/);
    expect(responses.api.statusCode).toBe(200);
    expect(responses.unauthenticated.statusCode).toBe(401);
    expect(responses.badToken.statusCode).toBe(401);
    expect(responses.notFound.statusCode).toBe(404);
    expect(responses.invalid.statusCode).toBe(400);
    for (const [name, response] of Object.entries(responses)) {
      expect(securityHeadersOf(response.headers), name).toEqual(EXPECTED);
    }
  });

  it('ask browsers to upgrade insecure requests when the public URL is https', async () => {
    for (const url of ['/', '/api/health', '/api/me']) {
      const response = await httpsApp.inject({ url });
      expect(response.headers['content-security-policy']).toBe(
        EXPECTED['content-security-policy'].replace(
          "'unsafe-inline';connect-src",
          "'unsafe-inline';upgrade-insecure-requests;connect-src",
        ),
      );
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});
