import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type FakeGitLab, newGitLabToken, startFakeGitLab } from '../../../test/fakes/gitlab.ts';
import { buildAppForTest, signUp, type TestUser, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

/**
 * SSRF through a GitLab account's base_url (issue #10, item 4; ADR 0016). A canary listener on
 * the loopback interface counts every connection it receives: for each hostile base_url the
 * server must refuse at connection time, on create, test and repository listing, and the canary
 * must see nothing. The fake GitLab (the operator's GITLAB_URL) stays reachable.
 */

let gitlab: FakeGitLab;

interface Canary {
  port: number;
  connections: number;
  close(): Promise<void>;
}

async function startCanary(host: string): Promise<Canary> {
  const sockets = new Set<import('node:net').Socket>();
  const canary = { port: 0, connections: 0, close: async () => {} };
  const server: Server = createServer((socket) => {
    canary.connections += 1;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  canary.port = (server.address() as AddressInfo).port;
  canary.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return canary;
}

let canary: Canary;

beforeAll(async () => {
  gitlab = await startFakeGitLab();
  canary = await startCanary('127.0.0.1');
});
afterAll(async () => {
  await gitlab.close();
  await canary.close();
});

const ctx = useTestApp(() => ({ env: { GITLAB_URL: gitlab.url, PROVIDER_TIMEOUT_MS: '3000' } }));

async function gitlabAccount(target: App, user: TestUser, baseUrl: string, force = false) {
  const token = newGitLabToken();
  gitlab.addToken(token, { username: 'casey', scopes: ['read_api'] });
  return target.inject({
    method: 'POST',
    url: '/api/provider-accounts',
    headers: { cookie: user.cookie },
    payload: { provider: 'gitlab', name: 'Internal', token, base_url: baseUrl, ...(force ? { force } : {}) },
  });
}

const hostile = (port: number) => [
  `https://127.0.0.1:${port}`,
  `http://127.0.0.1:${port}`,
  `https://2130706433:${port}`,
  `https://0x7f.0.0.1:${port}`,
  `https://0177.0.0.1:${port}`,
  `https://[::ffff:127.0.0.1]:${port}`,
  `https://localhost:${port}`,
  `https://0.0.0.0:${port}`,
  `https://169.254.169.254:${port}`,
  `https://10.0.0.1:${port}`,
  `https://192.168.0.1:${port}`,
  `https://100.64.0.1:${port}`,
  `https://[::1]:${port}`,
  `https://[fd00::1]:${port}`,
];

describe('a GitLab base_url on a private or loopback address', () => {
  it('is never connected to: create refuses, test and repository listing fail, the canary sees nothing', async () => {
    const user = await signUp(ctx.app);
    for (const baseUrl of hostile(canary.port)) {
      const refused = await gitlabAccount(ctx.app, user, baseUrl);
      expect(refused.statusCode, baseUrl).toBe(422);
      expect(refused.json().detail, baseUrl).toMatch(/not contacted: it resolves to a \w+ address/);

      // Saved anyway on request: every later call is refused at connection time too.
      const saved = await gitlabAccount(ctx.app, user, baseUrl, true);
      expect(saved.statusCode, baseUrl).toBe(201);
      const id = saved.json().id as string;
      const test = await ctx.app.inject({
        method: 'POST',
        url: `/api/provider-accounts/${id}/test`,
        headers: { cookie: user.cookie },
      });
      expect(test.json(), baseUrl).toMatchObject({ ok: false, error: { code: 'unreachable' } });
      const listed = await ctx.app.inject({
        method: 'GET',
        url: `/api/provider-accounts/${id}/repositories`,
        headers: { cookie: user.cookie },
      });
      expect(listed.statusCode, baseUrl).toBe(502);
      expect(listed.json().detail, baseUrl).toMatch(/not contacted/);
    }
    expect(canary.connections).toBe(0);
  });

  it('still reaches the operator’s own GITLAB_URL, although it is on 127.0.0.1', async () => {
    const user = await signUp(ctx.app);
    const created = await gitlabAccount(ctx.app, user, gitlab.url);
    expect(created.statusCode).toBe(201);
    const test = await ctx.app.inject({
      method: 'POST',
      url: `/api/provider-accounts/${created.json().id}/test`,
      headers: { cookie: user.cookie },
    });
    expect(test.json()).toMatchObject({ ok: true, login: 'casey' });
  });
});

describe('PROVIDER_ALLOWED_PRIVATE_HOSTS', () => {
  it('lets an operator allow an internal instance by name or range', async () => {
    const allowed = await startCanary('127.0.0.1');
    onTestFinished(() => allowed.close());
    const byName = await buildAppForTest(ctx.store, {
      env: {
        GITLAB_URL: gitlab.url,
        PROVIDER_TIMEOUT_MS: '3000',
        PROVIDER_ALLOWED_PRIVATE_HOSTS: 'localhost',
      },
    });
    const byRange = await buildAppForTest(ctx.store, {
      env: {
        GITLAB_URL: gitlab.url,
        PROVIDER_TIMEOUT_MS: '3000',
        PROVIDER_ALLOWED_PRIVATE_HOSTS: '127.0.0.0/8',
      },
    });
    const user = await signUp(byName);
    // The canary speaks no TLS, so the check fails, but only after a connection was made.
    await gitlabAccount(byName, user, `https://localhost:${allowed.port}`);
    expect(allowed.connections).toBeGreaterThanOrEqual(1);
    const before = allowed.connections;
    await gitlabAccount(byRange, user, `https://127.0.0.1:${allowed.port}`);
    expect(allowed.connections).toBeGreaterThan(before);
    // An address not on the list stays refused.
    const other = await gitlabAccount(byName, user, `https://127.0.0.1:${canary.port}`);
    expect(other.statusCode).toBe(422);
    expect(canary.connections).toBe(0);
  });

  it('is checked at start: a malformed entry stops the server with a message naming it', async () => {
    const { loadConfig } = await import('../../config.ts');
    expect(() => loadConfig({ PROVIDER_ALLOWED_PRIVATE_HOSTS: '10.0.0.0/99' })).toThrow(
      /PROVIDER_ALLOWED_PRIVATE_HOSTS/,
    );
  });
});
