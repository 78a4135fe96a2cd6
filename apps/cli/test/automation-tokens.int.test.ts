import { afterAll, beforeAll, describe, it } from 'vitest';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from '../../server/test/fakes/github.ts';
import {
  type CliHome,
  createCliHome,
  type RunningServer,
  runCli,
  runJson,
  signUp,
  startServer,
  storeOAuthLogin,
} from './cli-harness.ts';

/**
 * `tessera automation-tokens` after issue #11 item 6 (ADR 0024): the list shows name, task group
 * title, scope, expiry, created and last used; a revoked token's group goes on with `reissue`,
 * or ends with `close-group`.
 */
let server: RunningServer;
let github: FakeGitHub;
const homes: CliHome[] = [];

beforeAll(async () => {
  github = await startFakeGitHub();
  server = await startServer({ GITHUB_API_URL: github.url, PROVIDER_TIMEOUT_MS: '3000' });
});
afterAll(async () => {
  await server?.close();
  await github?.close();
  await Promise.all(homes.map((home) => home.cleanup()));
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A signed-in CLI home, a connected repository and an open task group with its token. */
async function setUp(title: string) {
  const home = await createCliHome(server.url);
  homes.push(home);
  const user = await signUp(server.app);
  await storeOAuthLogin(home, server, user);
  const login = `cli${Math.random().toString(36).slice(2, 8)}`;
  const githubToken = newGitHubToken();
  github.addToken(githubToken, {
    login,
    scopes: ['repo'],
    repos: [{ full_name: `${login}/alpha`, private: true, default_branch: 'main' }],
  });
  const inject = async (url: string, payload: object) => {
    const response = await server.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie },
      payload,
    });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const account = await inject('/api/provider-accounts', {
    provider: 'github',
    name: 'GitHub',
    token: githubToken,
  });
  const repo = await inject('/api/repos', { provider_account_id: account.id, full_name: `${login}/alpha` });
  const agent = await inject('/api/agents', {
    name: 'Fixer',
    description: '',
    category: 'coding',
    tags: [],
    visibility: 'private',
  });
  const ensured = await inject(`/api/repos/${repo.id}/task-groups`, { agent_id: agent.agent_id, title });
  return {
    home,
    repoId: repo.id as string,
    groupId: ensured.task_group.id as string,
    tokenId: ensured.automation_token.token.id as string,
    secret: ensured.automation_token.secret as string,
  };
}

describe.concurrent('tessera automation-tokens', () => {
  it('list prints name, task group title, scope, expiry "never", created and last used', async ({
    expect,
  }) => {
    const { home, repoId, groupId, tokenId, secret } = await setUp('Fix the flaky build');
    // Used once, and the use written through, so "last used" has a time.
    expect((await server.app.inject({ url: '/api/tokens/self', headers: bearer(secret) })).statusCode).toBe(
      200,
    );
    await server.app.credentials.lastUsed.flush();

    const result = await runCli(['automation-tokens', 'list', '--repo', repoId], { env: home.env });
    expect(result.code, result.stderr).toBe(0);
    const [header, row, ...rest] = result.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    const columns = header!.split(/\s{2,}/);
    expect(columns).toEqual([
      'ID',
      'NAME',
      'TASK GROUP',
      'SCOPE',
      'EXPIRES',
      'CREATED',
      'LAST USED',
      'STATUS',
    ]);
    const cells = row!.split(/\s{2,}/);
    expect(cells).toHaveLength(columns.length);
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect(cell('ID')).toBe(tokenId);
    expect(cell('NAME')).toBe(`task-group-${groupId}`);
    expect(cell('TASK GROUP')).toBe('Fix the flaky build');
    expect(cell('SCOPE')).toBe('tasks:write');
    expect(cell('EXPIRES')).toBe('never');
    expect(cell('CREATED')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(cell('LAST USED')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(cell('STATUS')).toBe('active');
    expect(result.stdout).not.toContain(secret);

    const json = await runJson<{ tokens: Array<Record<string, unknown>> }>(
      ['automation-tokens', 'list', '--repo', repoId],
      { env: home.env },
    );
    expect(json.tokens[0]).toMatchObject({
      name: `task-group-${groupId}`,
      task_group_title: 'Fix the flaky build',
      task_group_status: 'open',
      scopes: ['tasks:write'],
      expires_at: null,
    });
  });

  it('revoke names the ways on; reissue prints a working secret once; close-group ends it', async ({
    expect,
  }) => {
    const { home, repoId, groupId, tokenId, secret } = await setUp('Nightly');
    const revoked = await runCli(['automation-tokens', 'revoke', tokenId, '--repo', repoId, '--yes'], {
      env: home.env,
    });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stderr).toContain(`tessera automation-tokens reissue ${groupId} --repo ${repoId}`);
    expect(revoked.stderr).toContain(`tessera automation-tokens close-group ${groupId}`);
    expect((await server.app.inject({ url: '/api/tokens/self', headers: bearer(secret) })).statusCode).toBe(
      401,
    );

    // The list says so too, for an open group left without a working token.
    const listed = await runCli(['automation-tokens', 'list', '--repo', repoId], { env: home.env });
    expect(listed.stderr).toContain(`automation-tokens reissue ${groupId}`);

    const reissued = await runCli(['automation-tokens', 'reissue', groupId, '--repo', repoId, '--yes'], {
      env: home.env,
    });
    expect(reissued.code, reissued.stderr).toBe(0);
    const newSecret = reissued.stdout.match(/tes_aut_[0-9A-Za-z]{46}/)?.[0];
    expect(newSecret).toBeDefined();
    expect(reissued.stdout).toContain(`task-group-${groupId}`);
    expect(reissued.stderr).toMatch(/not shown again/);
    expect(
      (await server.app.inject({ url: '/api/tokens/self', headers: bearer(newSecret!) })).statusCode,
    ).toBe(200);

    const closed = await runCli(['automation-tokens', 'close-group', groupId, '--yes'], { env: home.env });
    expect(closed.code, closed.stderr).toBe(0);
    expect(
      (await server.app.inject({ url: '/api/tokens/self', headers: bearer(newSecret!) })).statusCode,
    ).toBe(401);

    // A closed group gets no new token.
    const refused = await runCli(['automation-tokens', 'reissue', groupId, '--repo', repoId, '--yes'], {
      env: home.env,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/closed/);
  });

  it('reissue without --yes and without a terminal refuses (exit 2) and changes nothing', async ({
    expect,
  }) => {
    const { home, repoId, groupId, secret } = await setUp('Careful');
    const result = await runCli(['automation-tokens', 'reissue', groupId, '--repo', repoId], {
      env: home.env,
    });
    expect(result.code).toBe(2);
    expect((await server.app.inject({ url: '/api/tokens/self', headers: bearer(secret) })).statusCode).toBe(
      200,
    );
  });
});
