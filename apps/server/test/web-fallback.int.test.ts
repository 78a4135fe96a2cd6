import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './harness.ts';

/**
 * Paths outside /api (docs/api.md §5): the web UI only for requests that accept HTML, a
 * problem+json 404 pointing to /api for everything else — a base URL without /api must never
 * look healthy — and /health at the root answering like /api/health.
 */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
let webDist: string;

beforeAll(async () => {
  webDist = mkdtempSync(path.join(tmpdir(), 'tessera-web-'));
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Tessera</title>');
  mkdirSync(path.join(webDist, 'assets'));
  writeFileSync(path.join(webDist, 'assets', 'app.js'), 'console.log(1)');
});
afterAll(async () => {
  rmSync(webDist, { recursive: true, force: true });
});

const ctx = useTestApp(() => ({ env: { TESSERA_WEB_DIST: webDist } }));

describe('the web UI fallback', () => {
  it('serves index.html to a browser navigating to a client-side route', async () => {
    const response = await ctx.app.inject({
      url: '/repos/rep_1/credentials',
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<title>Tessera</title>');
  });

  it('still serves the built files and the root page', async () => {
    expect((await ctx.app.inject({ url: '/assets/app.js', headers: { accept: '*/*' } })).statusCode).toBe(
      200,
    );
    expect((await ctx.app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } })).statusCode).toBe(200);
  });

  it.each([
    ['curl (*/*)', 'GET', '*/*'],
    ['an API client', 'GET', 'application/json'],
    ['no Accept header', 'GET', undefined],
    ['a HEAD probe', 'HEAD', '*/*'],
    ['a POST from a client with the wrong base URL', 'POST', 'application/json'],
  ] as const)(
    'answers %s on a non-API path with a problem+json 404 pointing to /api',
    async (_label, method, accept) => {
      const response = await ctx.app.inject({
        method,
        url: '/agents',
        headers: accept ? { accept } : {},
        ...(method === 'POST' ? { payload: { name: 'x' } } : {}),
      });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      if (method === 'HEAD') return;
      const body = response.json();
      expect(body).toMatchObject({ code: 'not_found', status: 404 });
      expect(body.detail).toContain('/api');
      expect(body.message).toBe(body.detail);
    },
  );

  it('never answers an /api path with the web page, even to a browser', async () => {
    const response = await ctx.app.inject({ url: '/api/nothing', headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});

describe('/health at the root', () => {
  it('answers like /api/health, for GET and HEAD (curl -I)', async () => {
    const root = await ctx.app.inject({ url: '/health' });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toMatch(/^application\/json/);
    expect(root.json()).toEqual((await ctx.app.inject({ url: '/api/health' })).json());
    const head = await ctx.app.inject({ method: 'HEAD', url: '/health' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
  });
});
