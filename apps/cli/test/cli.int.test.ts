import { createHash, randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { SCOPES } from '../../server/src/modules/credentials/scopes.ts';
import { type FakeGitHub, newGitHubToken } from '../../server/test/fakes/github.ts';
import {
  bearer,
  createPat,
  type RunningServer,
  readCredentialsFile,
  runCli,
  runJson,
  signUp,
  startCli,
  storeOAuthLogin,
  useCliServer,
} from './cli-harness.ts';

/**
 * The `tessera` binary, spawned as a user would run it, against a real server on a loopback
 * port. Every test has its own user and its own config folder; the keyring is off
 * (TESSERA_NO_KEYRING=1, and this machine has no Secret Service), so logins go to the 0600 file.
 */

const cli = useCliServer({ github: true });
const { newHome } = cli;
let server: RunningServer;
let github: FakeGitHub;
beforeAll(() => {
  ({ server, github } = cli);
});

describe.concurrent('tessera login --with-token', () => {
  it('checks the token, stores it in a 0600 file, and whoami shows its owner', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'profile:read']);

    const login = await runCli(['login', '--with-token'], { env: home.env, input: `${pat.secret}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain(user.email);
    expect(login.stdout + login.stderr).not.toContain(pat.secret);

    expect((await stat(home.credentialsFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(home.credentialsFile))).mode & 0o077).toBe(0);
    const file = await readCredentialsFile(home);
    expect(file.servers[server.url]?.credential?.token).toBe(pat.secret);

    const me = await runJson<{ user: { email: string }; credential: { kind: string; scopes: string[] } }>(
      ['whoami'],
      { env: home.env },
    );
    expect(me.user.email).toBe(user.email);
    expect(me.credential.kind).toBe('personal');
    expect(me.credential.scopes.sort()).toEqual(['agents:read', 'profile:read']);
  });

  it('refuses a string that is not a token and a token the server does not know (both exit 4), storing nothing', async ({
    expect,
  }) => {
    const home = await newHome();
    const garbage = await runCli(['login', '--with-token'], { env: home.env, input: 'hunter2\n' });
    expect(garbage.code).toBe(4);

    // Well-formed, but with a wrong checksum: the server refuses it as invalid_token.
    const forged = `tes_pat_${'A'.repeat(46)}`;
    const unknown = await runCli(['login', '--with-token'], { env: home.env, input: forged });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^error: /m);
    expect(unknown.stderr).not.toContain(forged);
    expect(unknown.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(stat(home.credentialsFile)).rejects.toThrow();
  });

  it('whoami with a PAT lacking profile:read describes the token instead of failing', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read'], 'narrow');
    const me = await runJson<{ user: null; credential: { kind: string; scopes: string[] } }>(['whoami'], {
      env: { ...home.env, TESSERA_TOKEN: pat.secret },
    });
    expect(me.user).toBeNull();
    expect(me.credential).toMatchObject({ kind: 'personal', scopes: ['agents:read'] });
    const shown = await runCli(['whoami'], { env: { ...home.env, TESSERA_TOKEN: pat.secret } });
    expect(shown.stdout).toContain('"narrow"');
  });

  it('a PAT login cannot manage tokens: exit 4 with a hint to log in interactively', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'agents:write', 'profile:read']);
    await runCli(['login', '--with-token'], { env: home.env, input: pat.secret });

    const list = await runCli(['tokens', 'list'], { env: home.env });
    expect(list.code).toBe(4);
    expect(list.stderr).toMatch(/hint: .*tessera login/);
  });
});

describe.concurrent('tessera tokens (interactive login)', () => {
  it('create → list → revoke, with --json output a script can parse', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);

    const created = await runJson<{ token: { id: string; name: string; scopes: string[] }; secret: string }>(
      ['tokens', 'create', '--name', 'ci', '--scope', 'agents:read,agents:write', '--expires-in-days', '7'],
      { env: home.env },
    );
    expect(created.secret).toMatch(/^tes_pat_[0-9A-Za-z]{46}$/);
    expect(created.token.name).toBe('ci');
    expect(created.token.scopes.sort()).toEqual(['agents:read', 'agents:write']);
    // The secret is a working token.
    const self = await server.app.inject({ url: '/api/tokens/self', headers: bearer(created.secret) });
    expect(self.statusCode).toBe(200);

    const listed = await runJson<{ tokens: Array<{ id: string; status: string; preview: string }> }>(
      ['tokens', 'list'],
      { env: home.env },
    );
    const entry = listed.tokens.find((t) => t.id === created.token.id);
    expect(entry?.status).toBe('active');
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const table = await runCli(['tokens', 'list'], { env: home.env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+PREVIEW/m);
    expect(table.stdout).toContain(created.token.id);

    // Destructive commands want --yes when nobody can be asked.
    const unconfirmed = await runCli(['tokens', 'revoke', created.token.id], { env: home.env });
    expect(unconfirmed.code).toBe(2);

    const revoked = await runCli(['tokens', 'revoke', created.token.id, '--yes'], { env: home.env });
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await server.app.inject({ url: '/api/tokens/self', headers: bearer(created.secret) });
    expect(after.statusCode).toBe(401);
    const active = await runJson<{ tokens: Array<{ id: string }> }>(['tokens', 'list', '--state', 'active'], {
      env: home.env,
    });
    expect(active.tokens.map((t) => t.id)).not.toContain(created.token.id);
  });

  it('rotate prints a new secret and the old one stops working', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const pat = await createPat(server.app, user, ['agents:read']);

    const rotated = await runJson<{ secret: string; token: { id: string } }>(
      ['tokens', 'rotate', pat.token.id, '--yes'],
      { env: home.env },
    );
    expect(rotated.token.id).toBe(pat.token.id);
    expect(rotated.secret).not.toBe(pat.secret);
    expect(
      (await server.app.inject({ url: '/api/tokens/self', headers: bearer(pat.secret) })).statusCode,
    ).toBe(401);
    expect(
      (await server.app.inject({ url: '/api/tokens/self', headers: bearer(rotated.secret) })).statusCode,
    ).toBe(200);
  });

  it('rotate takes a new expiry like create: --expires-in-days, --no-expiry', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const pat = await createPat(server.app, user, ['agents:read']);

    const before = Date.now();
    const days = await runJson<{ token: { expires_at: string | null } }>(
      ['tokens', 'rotate', pat.token.id, '--expires-in-days', '5', '--yes'],
      { env: home.env },
    );
    const expiresAt = Date.parse(days.token.expires_at!);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 5 * 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 86_400_000);
    const never = await runJson<{ token: { expires_at: string | null } }>(
      ['tokens', 'rotate', pat.token.id, '--no-expiry', '--yes'],
      { env: home.env },
    );
    expect(never.token.expires_at).toBeNull();
    const conflicting = await runCli(
      ['tokens', 'rotate', pat.token.id, '--no-expiry', '--expires-in-days', '5', '--yes'],
      { env: home.env },
    );
    expect(conflicting.code).not.toBe(0);
  });

  it("someone else's token id is not found (exit 1), and theirs stays active", async ({ expect }) => {
    const home = await newHome();
    const owner = await signUp(server.app);
    const victim = await createPat(server.app, owner, ['agents:read']);
    const attacker = await signUp(server.app);
    await storeOAuthLogin(home, server, attacker);

    const result = await runCli(['tokens', 'revoke', victim.token.id, '--yes'], { env: home.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: /);
    expect(
      (await server.app.inject({ url: '/api/tokens/self', headers: bearer(victim.secret) })).statusCode,
    ).toBe(200);
  });

  it('refreshes an expiring access token by itself and stores the rotated pair', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const first = await storeOAuthLogin(home, server, user, { expiresAt: new Date(Date.now() - 1000) });

    const me = await runJson<{ user: { email: string }; credential: { kind: string } }>(['whoami'], {
      env: home.env,
    });
    expect(me.user.email).toBe(user.email);
    expect(me.credential.kind).toBe('access');

    const stored = (await readCredentialsFile(home)).servers[server.url]?.credential;
    expect(stored?.refresh_token).toMatch(/^tes_ref_/);
    expect(stored?.refresh_token).not.toBe(first.refresh_token);
    expect(new Date(stored!.expires_at!).getTime()).toBeGreaterThan(Date.now());
    expect((await stat(home.credentialsFile)).mode & 0o777).toBe(0o600);
  });

  it('a revoked login answers exit 4 and is forgotten', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const tokens = await storeOAuthLogin(home, server, user, { expiresAt: new Date(Date.now() - 1000) });
    await server.app.inject({
      method: 'POST',
      url: '/api/oauth/revoke',
      payload: { token: tokens.refresh_token },
    });

    const result = await runCli(['whoami'], { env: home.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/hint: .*tessera login/);
    await expect(stat(home.credentialsFile)).rejects.toThrow();
  });

  it('logout revokes the stored login on the server and forgets it', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const tokens = await storeOAuthLogin(home, server, user);

    const result = await runCli(['logout'], { env: home.env });
    expect(result.code, result.stderr).toBe(0);
    await expect(stat(home.credentialsFile)).rejects.toThrow();
    expect(
      (await server.app.inject({ url: '/api/me', headers: bearer(tokens.access_token) })).statusCode,
    ).toBe(401);
    expect((await runCli(['whoami'], { env: home.env })).code).toBe(4);
  });
});

describe.concurrent('tessera notices', () => {
  it('lists notices with the unread count, marks one and then all read', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    await runJson(
      ['tokens', 'create', '--name', 'noticed', '--scope', 'agents:read', '--expires-in-days', '7'],
      {
        env: home.env,
      },
    );

    const listed = await runJson<{ notices: Array<{ id: string; kind: string }>; unread_count: number }>(
      ['notices'],
      { env: home.env },
    );
    expect(listed.notices.map((n) => n.kind)).toContain('token.created');
    expect(listed.unread_count).toBeGreaterThan(0);
    const table = await runCli(['notices', 'list', '--unread'], { env: home.env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('token.created');
    expect(table.stdout).toContain('noticed');

    const read = await runCli(['notices', 'read', listed.notices[0]!.id], { env: home.env });
    expect(read.code, read.stderr).toBe(0);
    expect((await runCli(['notices', 'read-all'], { env: home.env })).code).toBe(0);
    const after = await runJson<{ unread_count: number }>(['notices'], { env: home.env });
    expect(after.unread_count).toBe(0);
  });
});

describe.concurrent('tessera agents (TESSERA_TOKEN)', () => {
  it('create → upload → get with a PAT from the environment', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'agents:write']);
    const env = { ...home.env, TESSERA_TOKEN: pat.secret };
    const frameworks = (await server.app.inject({ url: '/api/frameworks' })).json().frameworks as Array<{
      id: string;
    }>;

    const agent = await runJson<{ agent_id: string; name: string; status: string; tags: string[] }>(
      [
        'agents',
        'create',
        '--name',
        'Release notes writer',
        '--category',
        await someCategory(),
        '--framework',
        frameworks[0]!.id,
        '--tag',
        'docs,release',
      ],
      { env },
    );
    expect(agent.name).toBe('Release notes writer');
    expect(agent.status).toBe('draft');
    expect(agent.tags.sort()).toEqual(['docs', 'release']);

    const content = randomBytes(4096);
    const file = path.join(home.dir, 'agent.zip');
    await writeFile(file, content);
    const uploaded = await runJson<{ file: { id: string; name: string; size: number; sha256: string } }>(
      ['agents', 'upload', agent.agent_id, file],
      { env },
    );
    expect(uploaded.file).toMatchObject({
      name: 'agent.zip',
      size: 4096,
      sha256: createHash('sha256').update(content).digest('hex'),
    });

    const fetched = await runJson<{ agent_id: string; status: string; files: Array<{ id: string }> }>(
      ['agents', 'get', agent.agent_id],
      { env },
    );
    expect(fetched.status).toBe('ready');
    expect(fetched.files.map((f) => f.id)).toEqual([uploaded.file.id]);

    const shown = await runCli(['agents', 'get', agent.agent_id], { env });
    expect(shown.stdout).toMatch(/Name:\s+Release notes writer/);

    const listed = await runJson<{ agents: Array<{ agent_id: string }> }>(['agents', 'list', '--mine'], {
      env,
    });
    expect(listed.agents.map((a) => a.agent_id)).toContain(agent.agent_id);

    const removed = await runCli(['agents', 'delete', agent.agent_id, '--yes'], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect((await runCli(['agents', 'get', agent.agent_id], { env })).code).toBe(1);
  });

  it('a token without the scope gets exit 4 and the scope it needs', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read']);
    const result = await runCli(['agents', 'create', '--name', 'x', '--category', await someCategory()], {
      env: { ...home.env, TESSERA_TOKEN: pat.secret },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('agents:write');
  });
});

describe.concurrent('tessera providers, repos and automation-tokens', () => {
  it('lists and tests provider accounts, lists repositories, and revokes an automation token', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const githubToken = newGitHubToken();
    github.addToken(githubToken, {
      login: 'octo',
      scopes: ['repo'],
      repos: [{ full_name: 'octo/alpha', private: true, default_branch: 'main' }],
    });
    const account = await server.app.inject({
      method: 'POST',
      url: '/api/provider-accounts',
      headers: { cookie: user.cookie },
      payload: { provider: 'github', name: 'My GitHub', token: githubToken },
    });
    expect(account.statusCode, account.body).toBe(201);
    const accountId = account.json().id as string;

    const providers = await runJson<{ accounts: Array<{ id: string; name: string }> }>(
      ['providers', 'list'],
      {
        env: home.env,
      },
    );
    expect(providers.accounts.map((a) => a.id)).toEqual([accountId]);
    expect(JSON.stringify(providers)).not.toContain(githubToken);
    const tested = await runJson<{ ok: boolean; login?: string }>(['providers', 'test', accountId], {
      env: home.env,
    });
    expect(tested).toMatchObject({ ok: true, login: 'octo' });

    const repo = await server.app.inject({
      method: 'POST',
      url: '/api/repos',
      headers: { cookie: user.cookie },
      payload: { provider_account_id: accountId, full_name: 'octo/alpha' },
    });
    expect(repo.statusCode, repo.body).toBe(201);
    const repoId = repo.json().id as string;
    const repos = await runJson<{ repos: Array<{ id: string; full_name: string }> }>(['repos', 'list'], {
      env: home.env,
    });
    expect(repos.repos.map((r) => r.full_name)).toEqual(['octo/alpha']);

    const agent = await server.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { cookie: user.cookie },
      payload: {
        name: 'Fixer',
        description: '',
        category: await someCategory(),
        tags: [],
        visibility: 'private',
      },
    });
    const group = await server.app.inject({
      method: 'POST',
      url: `/api/repos/${repoId}/task-groups`,
      headers: { cookie: user.cookie },
      payload: { agent_id: agent.json().agent_id, title: 'Fix the build' },
    });
    expect(group.statusCode, group.body).toBe(201);
    const automation = group.json().automation_token as { token: { id: string }; secret: string };

    const listed = await runJson<{ tokens: Array<{ id: string; task_group_id: string }> }>(
      ['automation-tokens', 'list', '--repo', repoId],
      { env: home.env },
    );
    expect(listed.tokens.map((t) => t.id)).toEqual([automation.token.id]);
    expect(JSON.stringify(listed)).not.toContain(automation.secret);

    const revoked = await runCli(
      ['automation-tokens', 'revoke', automation.token.id, '--repo', repoId, '--yes'],
      {
        env: home.env,
      },
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await server.app.inject({ url: '/api/tokens/self', headers: bearer(automation.secret) });
    expect(after.statusCode).toBe(401);

    // A provider that refuses the stored token is the command's failure (exit 1), with a hint.
    github.addToken(githubToken, { login: 'octo', scopes: ['repo'], expiresAt: new Date(Date.now() - 1000) });
    const refused = await runCli(['providers', 'test', accountId], { env: home.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/hint: /);
  });

  it('a PAT with repos:read may list repositories but not automation tokens or provider accounts', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['repos:read']);
    const env = { ...home.env, TESSERA_TOKEN: pat.secret };
    expect((await runJson<{ repos: unknown[] }>(['repos', 'list'], { env })).repos).toEqual([]);
    expect((await runCli(['providers', 'list'], { env })).code).toBe(4);
    expect((await runCli(['automation-tokens', 'list', '--repo', 'rep_x'], { env })).code).toBe(4);
  });
});

describe.concurrent('refusals and exit codes', () => {
  it('no credential → exit 4 with a hint, before any request', async ({ expect }) => {
    const home = await newHome();
    for (const args of [['whoami'], ['tokens', 'list'], ['agents', 'list']]) {
      const result = await runCli(args, { env: home.env });
      expect(result.code, args.join(' ')).toBe(4);
      expect(result.stderr).toMatch(/not logged in/);
      expect(result.stderr).toMatch(/hint: /);
    }
  });

  it('bad usage → exit 2', async ({ expect }) => {
    const home = await newHome();
    const cases = [
      ['tokens', 'list', '--no-such-option'],
      ['no-such-command'],
      ['agents', 'get'],
      ['tokens', 'create', '--expires-in-days', 'soon'],
      ['login', '--web', '--with-token'],
      ['--server', 'ftp://example.com', 'whoami'],
    ];
    for (const args of cases) {
      const result = await runCli(args, { env: home.env, input: '' });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
  });

  it('an unreachable server → exit 1 and a message, never a stack', async ({ expect }) => {
    const home = await newHome();
    const result = await runCli(['whoami'], {
      env: { ...home.env, TESSERA_URL: 'http://127.0.0.1:9', TESSERA_TOKEN: `tes_pat_${'A'.repeat(46)}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help and --version exit 0', async ({ expect }) => {
    const home = await newHome();
    expect((await runCli(['--help'], { env: home.env })).code).toBe(0);
    const version = await runCli(['--version'], { env: home.env });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe.concurrent('tessera login (OAuth flows)', () => {
  it('device flow: the user approves the code in the browser, the CLI stores the login', async ({
    expect,
    skip,
  }) => {
    const home = await newHome();
    const probe = await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device_authorization',
      payload: { client_id: 'tessera-cli' },
    });
    if (probe.statusCode === 404) {
      skip('POST /api/oauth/device_authorization does not exist on this server yet');
    }
    const user = await signUp(server.app);
    const cli = startCli(['login'], { env: home.env });
    const [, userCode] = await cli.waitForStderr(/one-time code: ([A-Z]{4}-[A-Z]{4})/);

    // By default the CLI asks for the account and every resource scope.
    const lookup = await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device/lookup',
      headers: { cookie: user.cookie },
      payload: { user_code: userCode },
    });
    expect([...lookup.json().scopes].sort()).toEqual([...SCOPES].sort());

    // The user, signed in to the web UI, approves the code they see in the terminal.
    const decision = await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device/decision',
      headers: { cookie: user.cookie },
      payload: { user_code: userCode, approve: true },
    });
    expect(decision.statusCode, decision.body).toBe(204);

    const result = await cli.result;
    expect(result.code, result.stderr).toBe(0);
    // Not a terminal: no spinner frames, no colours, nothing but lines.
    expect(result.stderr).not.toContain('\u001b[');
    const stored = (await readCredentialsFile(home)).servers[server.url]?.credential;
    expect(stored?.kind).toBe('oauth');
    expect(stored?.access_token).toMatch(/^tes_acc_/);
    expect((await stat(home.credentialsFile)).mode & 0o777).toBe(0o600);

    const me = await runJson<{ user: { email: string }; credential: { kind: string } }>(['whoami'], {
      env: home.env,
    });
    expect(me.user.email).toBe(user.email);
    expect(me.credential.kind).toBe('access');
    // With `account`, the login manages tokens.
    const tokens = await runCli(['tokens', 'list'], { env: home.env });
    expect(tokens.code, tokens.stderr).toBe(0);
  });

  it('device flow with --scope: asks for exactly those scopes, and then cannot manage tokens (exit 4)', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const cli = startCli(['login', '--scope', 'agents:read,repos:read', '--scope', 'tasks:read'], {
      env: home.env,
    });
    const [, userCode] = await cli.waitForStderr(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
    const lookup = await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device/lookup',
      headers: { cookie: user.cookie },
      payload: { user_code: userCode },
    });
    expect(lookup.json().scopes).toEqual(['agents:read', 'repos:read', 'tasks:read']);
    await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device/decision',
      headers: { cookie: user.cookie },
      payload: { user_code: userCode, approve: true },
    });
    const result = await cli.result;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/no "account" scope/);
    const stored = (await readCredentialsFile(home)).servers[server.url]?.credential;
    expect(stored).toMatchObject({ kind: 'oauth', scopes: ['agents:read', 'repos:read', 'tasks:read'] });

    expect((await runCli(['agents', 'list'], { env: home.env })).code).toBe(0);
    const tokens = await runCli(['tokens', 'list'], { env: home.env });
    expect(tokens.code).toBe(4);
    expect(tokens.stderr).toMatch(/"account" scope/);
    expect(tokens.stderr).toMatch(/hint: .*tessera login/);
    // Without profile:read the profile is out of reach; whoami still says what the login holds.
    const whoami = await runCli(['whoami'], { env: home.env });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout + whoami.stderr).toMatch(/agents:read/);
  });

  it('--scope with an unknown scope is a usage error (exit 2)', async ({ expect }) => {
    const home = await newHome();
    const result = await runCli(['login', '--scope', 'agents:read admin'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scope/);
  });

  it('device flow: a denied code ends the login with exit 4 and stores nothing', async ({ expect, skip }) => {
    const home = await newHome();
    const probe = await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device_authorization',
      payload: { client_id: 'tessera-cli' },
    });
    if (probe.statusCode === 404) skip('the device flow endpoint does not exist on this server yet');
    const user = await signUp(server.app);
    const cli = startCli(['login'], { env: home.env });
    const [, userCode] = await cli.waitForStderr(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
    await server.app.inject({
      method: 'POST',
      url: '/api/oauth/device/decision',
      headers: { cookie: user.cookie },
      payload: { user_code: userCode, approve: false },
    });
    const result = await cli.result;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/denied/);
    await expect(stat(home.credentialsFile)).rejects.toThrow();
  });

  it('--web: authorization code + PKCE through a loopback redirect', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const cli = startCli(['login', '--web'], { env: home.env });
    const [authorizeUrl] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/authorize\?\S+/);
    const url = new URL(authorizeUrl!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual([...SCOPES].sort());
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    // The browser: signed in, it is sent to the consent page, where the user approves.
    const authorize = await server.app.inject({
      url: `${url.pathname}${url.search}`,
      headers: { cookie: user.cookie },
    });
    expect(authorize.statusCode, authorize.body).toBe(302);
    const requestId = new URL(authorize.headers.location as string, server.url).searchParams.get('request');
    const decision = await server.app.inject({
      method: 'POST',
      url: `/api/oauth/requests/${requestId}/decision`,
      headers: { cookie: user.cookie },
      payload: { approve: true },
    });
    expect(decision.statusCode, decision.body).toBe(200);
    const redirect = decision.json().redirect_to as string;

    // A request with another state does not end the login.
    const wrongState = new URL(redirect);
    wrongState.searchParams.set('state', 'forged');
    expect((await fetch(wrongState)).status).toBe(400);

    expect((await fetch(redirect)).status).toBe(200);
    const result = await cli.result;
    expect(result.code, result.stderr).toBe(0);

    const me = await runJson<{ user: { email: string } }>(['whoami'], { env: home.env });
    expect(me.user.email).toBe(user.email);
  });
});

let categories: string[] | undefined;
/** A category the server accepts (from its published schema, not a guess). */
async function someCategory(): Promise<string> {
  if (!categories) {
    const document = (await server.app.inject({ url: '/api/openapi.json' })).json();
    const body = document.paths['/api/agents'].post.requestBody.content['application/json'].schema;
    const category = body.properties.category;
    // Categories are free slugs with suggested `examples` (no enum any more).
    categories = (category.enum ??
      category.examples ??
      category.anyOf?.map(
        (item: { const?: string; enum?: string[] }) => item.const ?? item.enum?.[0],
      )) as string[];
  }
  return categories[0]!;
}
