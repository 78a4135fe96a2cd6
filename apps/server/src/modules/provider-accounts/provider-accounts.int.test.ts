import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type FakeBitbucket,
  newAtlassianApiToken,
  newBitbucketAppPassword,
  startFakeBitbucket,
} from '../../../test/fakes/bitbucket.ts';
import { closedPortUrl, randomAlphanumeric } from '../../../test/fakes/fake-http.ts';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from '../../../test/fakes/github.ts';
import { type FakeGitLab, newGitLabToken, startFakeGitLab } from '../../../test/fakes/gitlab.ts';
import {
  accessTokenFor,
  bearer,
  buildAppForTest,
  captureLogs,
  signUp,
  type TestUser,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';
import { DAY_MS } from '../../platform/clock.ts';
import type { App } from '../../platform/http/schemas.ts';

let github: FakeGitHub;
let gitlab: FakeGitLab;
let bitbucket: FakeBitbucket;
const logs = captureLogs();
/** Every provider token this file hands to the server, to look for in the database and the logs. */
const issued: string[] = [];

function providerEnv(extra: Record<string, string> = {}) {
  return {
    GITHUB_API_URL: github.url,
    GITLAB_URL: gitlab.url,
    BITBUCKET_API_URL: bitbucket.url,
    PROVIDER_TIMEOUT_MS: '3000',
    ...extra,
  };
}

beforeAll(async () => {
  [github, gitlab, bitbucket] = await Promise.all([
    startFakeGitHub(),
    startFakeGitLab(),
    startFakeBitbucket(),
  ]);
});
afterAll(async () => {
  await Promise.all([github.close(), gitlab.close(), bitbucket.close()]);
});

const ctx = useTestApp(() => ({ env: providerEnv(), logStream: logs.stream }));

function remember<T extends string>(token: T): T {
  issued.push(token);
  return token;
}

function githubRepos(count: number, owner = 'octo') {
  return Array.from({ length: count }, (_, i) => ({
    full_name: `${owner}/repo-${String(i).padStart(3, '0')}`,
    private: i % 2 === 0,
    default_branch: i % 3 === 0 ? 'master' : 'main',
  }));
}

async function addAccount(target: App, user: TestUser, payload: Record<string, unknown>) {
  return target.inject({
    method: 'POST',
    url: '/api/provider-accounts',
    headers: { cookie: user.cookie },
    payload,
  });
}

async function addGitHubAccount(
  user: TestUser,
  spec: Parameters<FakeGitHub['addToken']>[1],
  target = ctx.app,
  extra: Record<string, unknown> = {},
) {
  const token = remember(newGitHubToken());
  github.addToken(token, spec);
  const response = await addAccount(target, user, { provider: 'github', name: 'GitHub', token, ...extra });
  expect(response.statusCode).toBe(201);
  return { token, account: response.json() };
}

/** A new token in each provider's format (an Atlassian API token for Bitbucket), unknown to its fake. */
const NEW_TOKEN = { github: newGitHubToken, gitlab: newGitLabToken, bitbucket: newAtlassianApiToken };

/** Adds an account of `provider` named `x` with a new token (remembered), `fields` over that: the answer. */
function addWithNewToken(
  user: TestUser,
  provider: keyof typeof NEW_TOKEN,
  fields: Record<string, unknown> = {},
) {
  return addAccount(ctx.app, user, {
    provider,
    name: 'x',
    token: remember(NEW_TOKEN[provider]()),
    ...fields,
  });
}

function test(target: App, user: TestUser, id: string) {
  return target.inject({
    method: 'POST',
    url: `/api/provider-accounts/${id}/test`,
    headers: { cookie: user.cookie },
  });
}

describe('GitHub', () => {
  it('stores a token, shows only its preview, and tests it: login, scopes and expiry', async () => {
    const user = await signUp(ctx.app);
    const expiresAt = new Date(Date.now() + 30 * DAY_MS);
    expiresAt.setUTCMilliseconds(0);
    const { token, account } = await addGitHubAccount(user, {
      login: 'octocat',
      scopes: ['repo', 'read:org'],
      expiresAt,
    });

    expect(Object.keys(account).sort()).toEqual(
      [
        'base_url',
        'created_at',
        'id',
        'last_checked_at',
        'name',
        'provider',
        'status',
        'token_preview',
        'username',
      ].sort(),
    );
    expect(account).toMatchObject({
      provider: 'github',
      name: 'GitHub',
      base_url: github.url,
      username: 'octocat',
      token_preview: `ghp_…${token.slice(-4)}`,
      status: 'ok',
    });
    expect(account.last_checked_at).not.toBeNull();

    const result = await test(ctx.app, user, account.id);
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({
      ok: true,
      login: 'octocat',
      scopes: ['repo', 'read:org'],
      expires_at: expiresAt.toISOString(),
    });
    // The token reached GitHub as a bearer token.
    expect(github.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);

    const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(list.json().accounts).toEqual([expect.objectContaining({ id: account.id, status: 'ok' })]);
    expect(list.body).not.toContain(token.slice(4, -4));
  });

  it('treats a fine-grained token (no X-OAuth-Scopes header) as fine, with scopes unknown', async () => {
    const user = await signUp(ctx.app);
    const token = remember(`github_pat_11${randomAlphanumeric(80)}`);
    github.addToken(token, { login: 'finegrained', scopes: null });
    const response = await addAccount(ctx.app, user, { provider: 'github', name: 'fine', token });
    expect(response.json().status).toBe('ok');
    const result = (await test(ctx.app, user, response.json().id)).json();
    expect(result).toEqual({ ok: true, login: 'finegrained', expires_at: null });
  });

  it('refuses to store a token GitHub does not know: 422 with the reason, nothing saved, audited', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newGitHubToken());
    const response = await addAccount(ctx.app, user, { provider: 'github', name: 'bad', token });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'policy_violation',
      check: { ok: false, error: { code: 'invalid_token' } },
    });
    expect(response.json().detail).toContain('GitHub did not accept the token');
    expect(response.body).not.toContain(token);
    const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(list.json().accounts).toEqual([]);
    const log = await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
    expect(log.json().events[0]).toMatchObject({
      action: 'provider_account.token_refused',
      outcome: 'failure',
      target_id: null,
      metadata: { provider: 'github', status: 'invalid_token', name: 'bad' },
    });
  });

  it('stores a token GitHub does not know when the user insists (force), with the outcome in status', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newGitHubToken());
    const response = await addAccount(ctx.app, user, { provider: 'github', name: 'bad', token, force: true });
    expect(response.statusCode).toBe(201);
    expect(response.json().status).toBe('invalid_token');
    expect(response.json().username).toBeNull();
    const result = (await test(ctx.app, user, response.json().id)).json();
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('invalid_token');
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('answers token_expired once the expiry GitHub announced has passed', async () => {
    const clock = testClock();
    const clocked = await buildAppForTest(ctx.store, { env: providerEnv(), clock });
    const user = await signUp(clocked);
    const expiresAt = new Date(clock.now().getTime() + DAY_MS);
    const { token, account } = await addGitHubAccount(
      user,
      { login: 'soon', scopes: ['repo'], expiresAt },
      clocked,
    );
    expect(account.status).toBe('ok');
    // A day later GitHub answers a plain 401 "Bad credentials", as it does for expired tokens.
    github.addToken(token, { login: 'soon', scopes: ['repo'], expiresAt: new Date(Date.now() - 1000) });
    clock.advance(2 * DAY_MS);
    const result = (await test(clocked, user, account.id)).json();
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('token_expired');
    const list = await clocked.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(list.json().accounts[0].status).toBe('token_expired');
  });

  it('answers insufficient_permissions naming the "repo" scope when a classic token lacks it', async () => {
    const user = await signUp(ctx.app);
    const refused = await addWithNewToken(user, 'github', { name: 'narrow' });
    expect(refused.statusCode).toBe(422);
    const { account } = await addGitHubAccount(
      user,
      { login: 'narrow', scopes: ['read:org', 'gist'] },
      ctx.app,
      {
        force: true,
      },
    );
    expect(account.status).toBe('insufficient_permissions');
    const result = (await test(ctx.app, user, account.id)).json();
    expect(result).toMatchObject({ ok: false, login: 'narrow', scopes: ['read:org', 'gist'] });
    expect(result.error.code).toBe('insufficient_permissions');
    expect(result.error.message).toContain('"repo"');
  });

  it('reports a spent rate limit as unreachable, not as a permission problem', async () => {
    const user = await signUp(ctx.app);
    const { account } = await addGitHubAccount(user, { login: 'busy', scopes: ['repo'] });
    github.rateLimited = true;
    try {
      const result = (await test(ctx.app, user, account.id)).json();
      expect(result.error.code).toBe('unreachable');
      expect(result.error.message).toMatch(/rate limit/);
    } finally {
      github.rateLimited = false;
    }
  });

  it('lists repositories across two pages by following the Link header', async () => {
    const user = await signUp(ctx.app);
    const repos = githubRepos(150);
    const { token, account } = await addGitHubAccount(user, { login: 'many', scopes: ['repo'], repos });
    const before = github.requests.length;
    const response = await ctx.app.inject({
      url: `/api/provider-accounts/${account.id}/repositories`,
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().repositories).toEqual(repos);
    const pages = github.requests.slice(before).filter((r) => r.path.startsWith('/user/repos'));
    expect(pages.map((r) => r.path)).toEqual([
      '/user/repos?per_page=100&sort=full_name',
      '/user/repos?per_page=100&page=2',
    ]);
    expect(pages.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
  });
});

describe('unreachable providers', () => {
  it('gives up after PROVIDER_TIMEOUT_MS and answers unreachable', async () => {
    onTestFinished(async () => {
      github.hang = false;
    });
    const quick = await buildAppForTest(ctx.store, { env: providerEnv({ PROVIDER_TIMEOUT_MS: '200' }) });
    const user = await signUp(quick);
    const { account } = await addGitHubAccount(user, { login: 'slow', scopes: ['repo'] }, quick);
    github.hang = true;
    const started = Date.now();
    const result = (await test(quick, user, account.id)).json();
    github.hang = false;
    expect(result.error).toEqual({ code: 'unreachable', message: 'GitHub did not answer within 200 ms.' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const repositories = await quick.inject({
      url: `/api/provider-accounts/${account.id}/repositories`,
      headers: { cookie: user.cookie },
    });
    expect(repositories.statusCode).toBe(200);
  });

  it('answers unreachable when nothing listens, and 502 bad_gateway when listing repositories', async () => {
    const logs = captureLogs();
    const nowhere = await buildAppForTest(ctx.store, {
      env: providerEnv({ GITHUB_API_URL: await closedPortUrl() }),
      logStream: logs.stream,
    });
    const user = await signUp(nowhere);
    const token = remember(newGitHubToken());
    const refused = await addAccount(nowhere, user, { provider: 'github', name: 'offline', token });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().check.error.code).toBe('unreachable');
    const created = await addAccount(nowhere, user, {
      provider: 'github',
      name: 'offline',
      token,
      force: true,
    });
    expect(created.json().status).toBe('unreachable');
    const result = (await test(nowhere, user, created.json().id)).json();
    expect(result.error.code).toBe('unreachable');
    const repositories = await nowhere.inject({
      url: `/api/provider-accounts/${created.json().id}/repositories`,
      headers: { cookie: user.cookie },
    });
    expect(repositories.statusCode).toBe(502);
    expect(repositories.json().code).toBe('bad_gateway');
    expect(repositories.body).not.toContain(token);
    expect(repositories.body).not.toContain('ECONNREFUSED');
    // The operator's log keeps the network error behind "unreachable", for the check and the 502.
    const checks = logs.lines.filter((line) => line.includes('provider unreachable'));
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((line) => line.includes('ECONNREFUSED'))).toBe(true);
    const failed = logs.lines.find((line) => line.includes('"msg":"request failed"'));
    expect(failed).toContain('ECONNREFUSED');
    expect(logs.text()).not.toContain(token);
  });
});

describe('GitLab', () => {
  it('reads scopes and expiry from personal_access_tokens/self and pages projects', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newGitLabToken());
    const projects = Array.from({ length: 130 }, (_, i) => ({
      id: i + 1,
      path_with_namespace: `group/sub/project-${i}`,
      visibility: (['private', 'internal', 'public'] as const)[i % 3]!,
      default_branch: i === 5 ? null : 'main',
    }));
    gitlab.addToken(token, { username: 'tanuki', scopes: ['read_api'], expiresAt: '2030-01-31', projects });
    const created = await addAccount(ctx.app, user, { provider: 'gitlab', name: 'GitLab.com', token });
    expect(created.json()).toMatchObject({ status: 'ok', username: 'tanuki', base_url: gitlab.url });

    const result = (await test(ctx.app, user, created.json().id)).json();
    expect(result).toEqual({
      ok: true,
      login: 'tanuki',
      scopes: ['read_api'],
      expires_at: '2030-01-31T00:00:00.000Z',
    });
    expect(gitlab.requests.at(-1)?.headers['private-token']).toBe(token);

    for (const omitLinkHeader of [false, true]) {
      gitlab.omitLinkHeader = omitLinkHeader;
      const before = gitlab.requests.length;
      const response = await ctx.app.inject({
        url: `/api/provider-accounts/${created.json().id}/repositories`,
        headers: { cookie: user.cookie },
      });
      gitlab.omitLinkHeader = false;
      expect(response.statusCode).toBe(200);
      const repositories = response.json().repositories;
      expect(repositories).toHaveLength(130);
      expect(repositories[0]).toEqual({
        full_name: 'group/sub/project-0',
        private: true,
        default_branch: 'main',
      });
      expect(repositories[1].private).toBe(true); // internal
      expect(repositories[2].private).toBe(false);
      expect(repositories[5].default_branch).toBeNull();
      expect(gitlab.requests.slice(before).filter((r) => r.path.startsWith('/api/v4/projects'))).toHaveLength(
        2,
      );
    }
  });

  it('recognises an expired and a revoked token from GitLab’s 401 body', async () => {
    const user = await signUp(ctx.app);
    const expired = remember(newGitLabToken());
    const revoked = remember(newGitLabToken());
    gitlab.addToken(expired, { username: 'old', scopes: ['api'], state: 'expired' });
    gitlab.addToken(revoked, { username: 'gone', scopes: ['api'], state: 'revoked' });
    const a = await addAccount(ctx.app, user, {
      provider: 'gitlab',
      name: 'expired',
      token: expired,
      force: true,
    });
    const b = await addAccount(ctx.app, user, {
      provider: 'gitlab',
      name: 'revoked',
      token: revoked,
      force: true,
    });
    expect(a.json().status).toBe('token_expired');
    expect(b.json().status).toBe('invalid_token');
    expect((await test(ctx.app, user, a.json().id)).json().error.code).toBe('token_expired');
  });

  it('names the read_api scope when the token has read_user only', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newGitLabToken());
    gitlab.addToken(token, { username: 'reader', scopes: ['read_user'] });
    const refused = await addAccount(ctx.app, user, { provider: 'gitlab', name: 'narrow', token });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().check).toMatchObject({
      ok: false,
      login: 'reader',
      scopes: ['read_user'],
      error: { code: 'insufficient_permissions', message: expect.stringContaining('"read_api"') },
    });
    const created = await addAccount(ctx.app, user, {
      provider: 'gitlab',
      name: 'narrow',
      token,
      force: true,
    });
    expect(created.json().status).toBe('insufficient_permissions');
    const result = (await test(ctx.app, user, created.json().id)).json();
    expect(result.error.code).toBe('insufficient_permissions');
    expect(result.error.message).toContain('"read_api"');
    const repositories = await ctx.app.inject({
      url: `/api/provider-accounts/${created.json().id}/repositories`,
      headers: { cookie: user.cookie },
    });
    expect(repositories.statusCode).toBe(502);
    expect(repositories.json().detail).toContain('read_api');
  });

  it('talks to a self-hosted instance given as base_url (on a private address: when the operator allows it)', async () => {
    const selfHosted = await startFakeGitLab();
    onTestFinished(() => selfHosted.close());
    // The instance listens on 127.0.0.1, which users may only reach with the operator's allowance (ADR 0016).
    const onPrem = await buildAppForTest(ctx.store, {
      env: providerEnv({ PROVIDER_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }),
    });
    const user = await signUp(onPrem);
    const token = remember(newGitLabToken());
    selfHosted.addToken(token, { username: 'onprem', scopes: ['api'] });
    const created = await addAccount(onPrem, user, {
      provider: 'gitlab',
      name: 'On-prem',
      token,
      base_url: `${selfHosted.url}/api/v4/`,
    });
    expect(created.json()).toMatchObject({ status: 'ok', username: 'onprem', base_url: selfHosted.url });
    expect(selfHosted.requests.some((r) => r.path === '/api/v4/user')).toBe(true);
  });

  it.each([
    ['plain http to another host', 'http://169.254.169.254/latest', 'must use https'],
    ['embedded credentials', 'https://user:pass@gitlab.example.com', 'must not contain credentials'],
    ['a query string', 'https://gitlab.example.com/?x=1', 'must not contain credentials'],
    ['not a URL', 'gitlab.example.com', 'must be an absolute URL'],
    ['another scheme', 'file:///etc/passwd', 'must use https'],
  ])('refuses a base_url with %s', async (_label, base_url, message) => {
    const user = await signUp(ctx.app);
    const response = await addWithNewToken(user, 'gitlab', { base_url });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'body.base_url', message: expect.stringContaining(message) },
    ]);
  });
});

describe('Bitbucket', () => {
  it('uses an Atlassian API token with the account e-mail over HTTP Basic and pages repositories', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newAtlassianApiToken());
    const repos = Array.from({ length: 120 }, (_, i) => ({
      full_name: `workspace/repo-${i}`,
      is_private: i % 2 === 1,
      mainbranch: i === 0 ? null : { name: 'main', type: 'branch' as const },
    }));
    bitbucket.addCredential('ada@example.test', token, {
      username: 'ada',
      scopes: ['read:user:bitbucket', 'read:repository:bitbucket'],
      repos,
    });
    const created = await addAccount(ctx.app, user, {
      provider: 'bitbucket',
      name: 'Bitbucket',
      token,
      username: 'ada@example.test',
    });
    expect(created.json()).toMatchObject({
      status: 'ok',
      username: 'ada@example.test',
      token_preview: 'ATAT…' + token.slice(-4),
    });
    const sent = bitbucket.requests.at(-1)!.headers.authorization!;
    expect(Buffer.from(sent.replace(/^Basic /, ''), 'base64').toString()).toBe(`ada@example.test:${token}`);

    const result = (await test(ctx.app, user, created.json().id)).json();
    expect(result).toEqual({
      ok: true,
      login: 'ada',
      scopes: ['read:user:bitbucket', 'read:repository:bitbucket'],
      expires_at: null,
    });
    const response = await ctx.app.inject({
      url: `/api/provider-accounts/${created.json().id}/repositories`,
      headers: { cookie: user.cookie },
    });
    expect(response.json().repositories).toHaveLength(120);
    expect(response.json().repositories[0]).toEqual({
      full_name: 'workspace/repo-0',
      private: false,
      default_branch: null,
    });
  });

  it('still accepts a legacy app password with the Bitbucket username, and audits it as legacy', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newBitbucketAppPassword());
    bitbucket.addCredential('ada_legacy', token, {
      username: 'ada_legacy',
      scopes: ['account', 'repository'],
    });
    const created = await addAccount(ctx.app, user, {
      provider: 'bitbucket',
      name: 'old',
      token,
      username: 'ada_legacy',
    });
    expect(created.json().status).toBe('ok');
    const log = await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } });
    const added = log.json().events.find((e: { action: string }) => e.action === 'provider_account.added');
    expect(added.metadata).toMatchObject({ provider: 'bitbucket', credential: 'app_password', legacy: true });
  });

  it('names the repository scope an app password lacks', async () => {
    const user = await signUp(ctx.app);
    const token = remember(newBitbucketAppPassword());
    bitbucket.addCredential('narrow_user', token, { username: 'narrow_user', scopes: ['account'] });
    const created = await addAccount(ctx.app, user, {
      provider: 'bitbucket',
      name: 'n',
      token,
      username: 'narrow_user',
      force: true,
    });
    expect(created.json().status).toBe('insufficient_permissions');
    expect((await test(ctx.app, user, created.json().id)).json().error.message).toContain('"repository"');
  });

  it('requires a username, and an e-mail for an API token', async () => {
    const user = await signUp(ctx.app);
    const missing = await addWithNewToken(user, 'bitbucket');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].path).toBe('body.username');
    const notEmail = await addWithNewToken(user, 'bitbucket', { username: 'ada' });
    expect(notEmail.statusCode).toBe(400);
    expect(notEmail.json().detail).toMatch(/e-mail/);
  });
});

describe('input checks', () => {
  it.each([
    ['a GitHub token under GitLab', 'gitlab', () => newGitHubToken(), /GitHub/],
    ['a GitLab token under GitHub', 'github', () => newGitLabToken(), /GitLab/],
    ['an Atlassian token under GitHub', 'github', () => newAtlassianApiToken(), /Bitbucket/],
    ['a Bitbucket app password under GitLab', 'gitlab', () => newBitbucketAppPassword(), /Bitbucket/],
    ['a Tessera token under GitHub', 'github', () => `tes_pat_${randomAlphanumeric(46)}`, /Tessera/],
  ])(
    'refuses %s with 400 and a helpful message that does not echo the token',
    async (_label, provider, make, owner) => {
      const user = await signUp(ctx.app);
      const token = remember(make());
      const response = await addAccount(ctx.app, user, {
        provider,
        name: 'wrong',
        token,
        username: 'a@example.test',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalid_request');
      expect(response.json().detail).toMatch(owner);
      expect(response.json().errors[0].path).toBe('body.token');
      expect(response.body).not.toContain(token);
      const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
      expect(list.json().accounts).toEqual([]);
    },
  );

  it.each([
    ['user_id', { user_id: 'usr_x' }],
    ['token_ciphertext', { token_ciphertext: 'v1|k1|a|b|c' }],
    ['status', { status: 'ok' }],
  ])('refuses a body that sets %s (mass assignment)', async (_label, extra) => {
    const user = await signUp(ctx.app);
    const response = await addWithNewToken(user, 'github', extra);
    expect(response.statusCode).toBe(400);
  });

  it('refuses base_url for GitHub and a username for GitLab', async () => {
    const user = await signUp(ctx.app);
    const a = await addWithNewToken(user, 'github', { base_url: 'https://ghe.example.com' });
    expect(a.json().errors[0].path).toBe('body.base_url');
    const b = await addWithNewToken(user, 'gitlab', { username: 'me' });
    expect(b.json().errors[0].path).toBe('body.username');
  });

  it('refuses a token with spaces or control characters inside, but trims a pasted newline', async () => {
    const user = await signUp(ctx.app);
    const inner = await addAccount(ctx.app, user, {
      provider: 'github',
      name: 'x',
      token: 'ghp_abc def ghi jkl',
    });
    expect(inner.statusCode).toBe(400);
    const token = remember(newGitHubToken());
    github.addToken(token, { login: 'paste', scopes: ['repo'] });
    const pasted = await addAccount(ctx.app, user, { provider: 'github', name: 'x', token: `${token}\n` });
    expect(pasted.json()).toMatchObject({ status: 'ok', token_preview: `ghp_…${token.slice(-4)}` });
  });
});

describe('several accounts and token replacement', () => {
  it('keeps several accounts per provider, and PATCH replaces a token in place', async () => {
    const user = await signUp(ctx.app);
    const first = await addGitHubAccount(user, { login: 'work', scopes: ['repo'] });
    const second = await addGitHubAccount(user, { login: 'personal', scopes: ['repo'] });
    const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(
      list
        .json()
        .accounts.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual([first.account.id, second.account.id].sort());

    const rotated = remember(newGitHubToken());
    github.addToken(rotated, { login: 'work', scopes: ['repo', 'workflow'] });
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/provider-accounts/${first.account.id}`,
      headers: { cookie: user.cookie },
      payload: { token: rotated, name: 'Work (rotated)' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: first.account.id,
      name: 'Work (rotated)',
      token_preview: `ghp_…${rotated.slice(-4)}`,
      status: 'ok',
    });
    await test(ctx.app, user, first.account.id);
    expect(github.requests.at(-1)?.headers.authorization).toBe(`Bearer ${rotated}`);

    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events;
    const actions = events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'provider_account.added',
        'provider_account.token_replaced',
        'provider_account.renamed',
        'provider_account.tested',
      ]),
    );
  });

  it('refuses a replacement token from another provider and keeps the old one', async () => {
    const user = await signUp(ctx.app);
    const { token, account } = await addGitHubAccount(user, { login: 'keep', scopes: ['repo'] });
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/provider-accounts/${account.id}`,
      headers: { cookie: user.cookie },
      payload: { token: remember(newGitLabToken()) },
    });
    expect(response.statusCode).toBe(400);
    await test(ctx.app, user, account.id);
    expect(github.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('keeps the old token when a replacement fails its check (422 with the reason), replaces it with force', async () => {
    const user = await signUp(ctx.app);
    const { token, account } = await addGitHubAccount(user, { login: 'keep', scopes: ['repo'] });
    const bad = remember(newGitHubToken());
    const refused = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/provider-accounts/${account.id}`,
      headers: { cookie: user.cookie },
      payload: { token: bad, name: 'not applied' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'policy_violation',
      check: { ok: false, error: { code: 'invalid_token' } },
    });
    expect(refused.body).not.toContain(bad);
    const list = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } });
    expect(list.json().accounts[0]).toMatchObject({
      name: 'GitHub',
      status: 'ok',
      token_preview: `ghp_…${token.slice(-4)}`,
    });
    expect((await test(ctx.app, user, account.id)).json().ok).toBe(true);
    expect(github.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    const log = await ctx.app.inject({
      url: `/api/account/audit-log?target_id=${account.id}&action=provider_account.token_refused`,
      headers: { cookie: user.cookie },
    });
    expect(log.json().events).toHaveLength(1);
    expect(log.json().events[0]).toMatchObject({ outcome: 'failure', metadata: { status: 'invalid_token' } });

    const forced = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/provider-accounts/${account.id}`,
      headers: { cookie: user.cookie },
      payload: { token: bad, force: true },
    });
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toMatchObject({ status: 'invalid_token', token_preview: `ghp_…${bad.slice(-4)}` });
  });

  it('deletes an account: 204, gone from the list, audited', async () => {
    const user = await signUp(ctx.app);
    const { account } = await addGitHubAccount(user, { login: 'bye', scopes: ['repo'] });
    const deleted = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/provider-accounts/${account.id}`,
      headers: { cookie: user.cookie },
    });
    expect(deleted.statusCode).toBe(204);
    expect((await test(ctx.app, user, account.id)).statusCode).toBe(404);
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/provider-accounts/${account.id}`,
      headers: { cookie: user.cookie },
    });
    expect(again.statusCode).toBe(404);
    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events;
    expect(events[0]).toMatchObject({ action: 'provider_account.removed', target_id: account.id });
  });
});

describe('security', () => {
  it('answers 404 for another user’s account on every route, identical to an unknown id, and leaves it alone', async () => {
    const owner = await signUp(ctx.app);
    const intruder = await signUp(ctx.app);
    const { account } = await addGitHubAccount(owner, { login: 'mine', scopes: ['repo'] });
    const attempts = [
      { method: 'POST' as const, url: `/api/provider-accounts/${account.id}/test` },
      { method: 'GET' as const, url: `/api/provider-accounts/${account.id}/repositories` },
      { method: 'PATCH' as const, url: `/api/provider-accounts/${account.id}`, payload: { name: 'stolen' } },
      { method: 'DELETE' as const, url: `/api/provider-accounts/${account.id}` },
    ];
    for (const attempt of attempts) {
      const theirs = await ctx.app.inject({ ...attempt, headers: { cookie: intruder.cookie } });
      const unknown = await ctx.app.inject({
        ...attempt,
        url: attempt.url.replace(account.id, 'pa_doesnotexist'),
        headers: { cookie: intruder.cookie },
      });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body).toBe(unknown.body);
    }
    const list = await ctx.app.inject({
      url: '/api/provider-accounts',
      headers: { cookie: intruder.cookie },
    });
    expect(list.json().accounts).toEqual([]);
    const mine = await ctx.app.inject({ url: '/api/provider-accounts', headers: { cookie: owner.cookie } });
    expect(mine.json().accounts[0]).toMatchObject({ id: account.id, name: 'GitHub' });
  });

  it('refuses a personal access token (even with every scope) on every route: interactive only', async () => {
    const user = await signUp(ctx.app);
    const { account } = await addGitHubAccount(user, { login: 'pat', scopes: ['repo'] });
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie: user.cookie },
      payload: {
        name: 'all',
        scopes: ['agents:write', 'repos:write', 'tasks:write', 'profile:read'],
        expires_in_days: 7,
      },
    });
    expect(created.statusCode).toBe(201);
    const pat = created.json().secret as string;
    for (const attempt of [
      { method: 'GET' as const, url: '/api/provider-accounts' },
      {
        method: 'POST' as const,
        url: '/api/provider-accounts',
        payload: { provider: 'github', name: 'x', token: newGitHubToken() },
      },
      { method: 'POST' as const, url: `/api/provider-accounts/${account.id}/test` },
      { method: 'GET' as const, url: `/api/provider-accounts/${account.id}/repositories` },
      { method: 'PATCH' as const, url: `/api/provider-accounts/${account.id}`, payload: { name: 'x' } },
      { method: 'DELETE' as const, url: `/api/provider-accounts/${account.id}` },
    ]) {
      const response = await ctx.app.inject({ ...attempt, headers: bearer(pat) });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
    // An OAuth access token is interactive and may.
    const { access_token } = await accessTokenFor(ctx.app, user);
    expect(
      (await ctx.app.inject({ url: '/api/provider-accounts', headers: bearer(access_token) })).statusCode,
    ).toBe(200);
  });

  it('binds a ciphertext to its row: copied to another user’s or row, it fails with a generic error', async () => {
    const victim = await signUp(ctx.app);
    const attacker = await signUp(ctx.app);
    const { token: victimToken, account: victimAccount } = await addGitHubAccount(victim, {
      login: 'v',
      scopes: ['repo'],
    });
    const { account: attackerAccount } = await addGitHubAccount(attacker, { login: 'a', scopes: ['repo'] });
    const { account: victimOther } = await addGitHubAccount(victim, { login: 'v2', scopes: ['repo'] });
    const { token_ciphertext } = await ctx.store.db
      .selectFrom('provider_accounts')
      .select('token_ciphertext')
      .where('id', '=', victimAccount.id)
      .executeTakeFirstOrThrow();

    for (const [user, target] of [
      [attacker, attackerAccount.id],
      [victim, victimOther.id],
    ] as const) {
      await ctx.store.db
        .updateTable('provider_accounts')
        .set({ token_ciphertext })
        .where('id', '=', target)
        .execute();
      const before = github.requests.length;
      for (const response of [
        await test(ctx.app, user, target),
        await ctx.app.inject({
          url: `/api/provider-accounts/${target}/repositories`,
          headers: { cookie: user.cookie },
        }),
      ]) {
        expect(response.statusCode).toBe(500);
        expect(response.json()).toMatchObject({ code: 'internal_error' });
        expect(response.json().detail).toMatch(/cannot be read/);
        expect(response.body).not.toContain(victimToken);
        expect(response.body).not.toContain(token_ciphertext.split('|')[3]!);
      }
      // Nothing was sent to GitHub with the victim's token.
      expect(github.requests.slice(before)).toEqual([]);
    }
    expect(logs.text()).toContain('a stored provider token could not be decrypted');
  });

  it('never stores the token in plaintext: not in provider_accounts, not in audit_events', async () => {
    const user = await signUp(ctx.app);
    const { token, account } = await addGitHubAccount(user, { login: 'raw', scopes: ['repo'] });
    const raw = await sql<
      Record<string, unknown>
    >`select * from provider_accounts where id = ${account.id}`.execute(ctx.store.db);
    const dump = JSON.stringify(raw.rows);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(4, -4));
    expect(dump).not.toContain(Buffer.from(token).toString('base64').slice(0, 20));
    expect(raw.rows[0]!.token_ciphertext).toMatch(
      /^v1\|k1\|[A-Za-z0-9+/]{16}\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/]{22}==$/,
    );
    for (const secret of issued) {
      const everywhere = await sql<{ n: number }>`
        select count(*)::int as n from provider_accounts p, audit_events a
        where p.token_ciphertext like ${`%${secret}%`} or a.metadata::text like ${`%${secret}%`}
          or p.token_preview like ${`%${secret}%`}`.execute(ctx.store.db);
      expect(everywhere.rows[0]!.n).toBe(0);
    }
  });

  it('never writes a provider token to the logs (checked last, over everything this file did)', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(issued.length).toBeGreaterThan(20);
    for (const token of issued) expect(text).not.toContain(token);
  });
});
