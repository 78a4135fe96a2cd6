import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldLines } from '../../../test/fixtures/field-lines.ts';
import { useSecondApp, useTestApp } from '../../../test/harness.ts';
import { generateToken } from '../../modules/credentials/token-format.ts';

// The contract for documents (the web UI and its files): the headers helmet 13 sent with Tessera's
// CSP before they were precomputed, as `curl -sI` printed them then (names as written on the
// wire, one a line).
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

/** A transcript as Node reports received headers: lower-case names, values as sent. */
function transcript(text: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fieldLines(text)).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

const EXPECTED = transcript(EXPECTED_TRANSCRIPT);

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

// The contract for API answers (ADR 0042): the OWASP REST Security Cheat Sheet's set, as a
// transcript like the documents' one.
const EXPECTED_API = transcript(`
Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
Cross-Origin-Resource-Policy: same-origin
Referrer-Policy: no-referrer
Strict-Transport-Security: max-age=31536000; includeSubDomains
X-Content-Type-Options: nosniff
X-Frame-Options: DENY
`);

/** Every header either set names, as the response has it (undefined where absent). */
function securityHeadersOf(headers: Record<string, unknown>) {
  const names = new Set([...Object.keys(EXPECTED), ...Object.keys(EXPECTED_API)]);
  return Object.fromEntries([...names].map((name) => [name, headers[name]]));
}

/** A set as securityHeadersOf reports it: the set's own headers and none of the other's. */
function only(set: Record<string, string>) {
  return securityHeadersOf(set);
}

describe('security headers', () => {
  it("are the documents' set on HTML and the API's on every API answer: 200, 401, 404 and 400", async () => {
    const documents = {
      html: await ctx.app.inject({ url: '/' }),
      // A browser navigation (docs/api.md §5: the web UI answers only requests that accept HTML).
      spaRoute: await ctx.app.inject({ url: '/tokens/new', headers: { accept: 'text/html' } }),
      // Outside the API a 404 is a document's too, however it was asked.
      notFoundOutsideApi: await ctx.app.inject({ url: '/no-such-page' }),
    };
    const responses = {
      api: await ctx.app.inject({ url: '/api/health' }),
      unauthenticated: await ctx.app.inject({ url: '/api/me' }),
      badToken: await ctx.app.inject({
        url: '/api/me',
        headers: { authorization: `Bearer ${generateToken('pat')}` },
      }),
      notFound: await ctx.app.inject({ url: '/api/no-such-thing' }),
      invalid: await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { nope: 1 } }),
    };
    expect(documents.html.headers['content-type']).toMatch(/^text\/html/);
    expect(documents.spaRoute.headers['content-type']).toMatch(/^text\/html/);
    expect(documents.notFoundOutsideApi.statusCode).toBe(404);
    expect(responses.api.statusCode).toBe(200);
    expect(responses.unauthenticated.statusCode).toBe(401);
    expect(responses.badToken.statusCode).toBe(401);
    expect(responses.notFound.statusCode).toBe(404);
    expect(responses.invalid.statusCode).toBe(400);
    // Twelve headers, every one with a value: a transcript that failed to parse cannot pass.
    expect(Object.values(EXPECTED).filter(Boolean)).toHaveLength(12);
    for (const [name, response] of Object.entries(documents)) {
      expect(securityHeadersOf(response.headers), name).toEqual(only(EXPECTED));
    }
    for (const [name, response] of Object.entries(responses)) {
      expect(securityHeadersOf(response.headers), name).toEqual(only(EXPECTED_API));
    }
  });

  it('ask browsers to upgrade insecure requests from documents when the public URL is https', async () => {
    const document = await https.app.inject({ url: '/' });
    expect(document.headers['content-security-policy']).toBe(
      EXPECTED['content-security-policy']!.replace(
        "'unsafe-inline';connect-src",
        "'unsafe-inline';upgrade-insecure-requests;connect-src",
      ),
    );
    expect(document.headers['x-frame-options']).toBe('SAMEORIGIN');
    // An API answer loads nothing: there is nothing to upgrade.
    for (const url of ['/api/health', '/api/me']) {
      expect(securityHeadersOf((await https.app.inject({ url })).headers), url).toEqual(only(EXPECTED_API));
    }
  });
});
