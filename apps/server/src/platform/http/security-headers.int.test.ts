import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSecondApp, useTestApp } from '../../../test/harness.ts';
import { generateToken } from '../../modules/credentials/token-format.ts';

// The contract for every response: the headers helmet 13 sent with Tessera's CSP before they were
// precomputed, as `curl -sI` printed them then (names as written on the wire, one a line).
const EXPECTED_TRANSCRIPT = `
Content-Security-Policy: default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self' http://127.0.0.1:* http://localhost:*;frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'
Cross-Origin-Opener-Policy: same-origin
Cross-Origin-Resource-Policy: same-origin
Origin-Agent-Cluster: ?1
Referrer-Policy: no-referrer
Strict-Transport-Security: max-age=31536000; includeSubDomains
X-Content-Type-Options: nosniff
X-DNS-Prefetch-Control: off
X-Download-Options: noopen
X-Frame-Options: SAMEORIGIN
X-Permitted-Cross-Domain-Policies: none
X-XSS-Protection: 0
`;

/** The transcript as Node reports received headers: lower-case names, values as sent. */
const EXPECTED: Record<string, string> = Object.fromEntries(
  EXPECTED_TRANSCRIPT.trim()
    .split('\n')
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 2)];
    }),
);

let webDist: string;

// Registered before the apps: the folder exists when they start and is removed after they close.
beforeAll(() => {
  webDist = mkdtempSync(path.join(os.tmpdir(), 'tessera-web-'));
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Tessera</title>');
});
afterAll(() => {
  rmSync(webDist, { recursive: true, force: true });
});

const ctx = useTestApp(() => ({ env: { TESSERA_WEB_DIST: webDist } }));
const https = useSecondApp(ctx, () => ({
  env: { TESSERA_WEB_DIST: webDist, PUBLIC_URL: 'https://tessera.example' },
}));

function securityHeadersOf(headers: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, headers[name]]));
}

describe('security headers', () => {
  it('are the same on HTML, API, 401, 404 and validation-error responses', async () => {
    const responses = {
      html: await ctx.app.inject({ url: '/' }),
      // A browser navigation (docs/api.md §5: the web UI answers only requests that accept HTML).
      spaRoute: await ctx.app.inject({ url: '/tokens/new', headers: { accept: 'text/html' } }),
      api: await ctx.app.inject({ url: '/api/health' }),
      unauthenticated: await ctx.app.inject({ url: '/api/me' }),
      badToken: await ctx.app.inject({
        url: '/api/me',
        headers: { authorization: `Bearer ${generateToken('pat')}` },
      }),
      notFound: await ctx.app.inject({ url: '/api/no-such-thing' }),
      invalid: await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { nope: 1 } }),
    };
    expect(responses.html.headers['content-type']).toMatch(/^text\/html/);
    expect(responses.spaRoute.headers['content-type']).toMatch(/^text\/html/);
    expect(responses.api.statusCode).toBe(200);
    expect(responses.unauthenticated.statusCode).toBe(401);
    expect(responses.badToken.statusCode).toBe(401);
    expect(responses.notFound.statusCode).toBe(404);
    expect(responses.invalid.statusCode).toBe(400);
    // Twelve headers, every one with a value: a transcript that failed to parse cannot pass.
    expect(Object.values(EXPECTED).filter(Boolean)).toHaveLength(12);
    for (const [name, response] of Object.entries(responses)) {
      expect(securityHeadersOf(response.headers), name).toEqual(EXPECTED);
    }
  });

  it('ask browsers to upgrade insecure requests when the public URL is https', async () => {
    for (const url of ['/', '/api/health', '/api/me']) {
      const response = await https.app.inject({ url });
      expect(response.headers['content-security-policy']).toBe(
        EXPECTED['content-security-policy']!.replace(
          "'unsafe-inline';connect-src",
          "'unsafe-inline';upgrade-insecure-requests;connect-src",
        ),
      );
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});
