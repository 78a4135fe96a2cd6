import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { SUGGESTED_AGENT_CATEGORIES } from '../../server/src/modules/agents/agent-rules.ts';
import { RESOURCE_SCOPES, SCOPES } from '../../server/src/modules/credentials/scopes.ts';
import { uniqueEmail } from '../../server/test/harness.ts';
import {
  bearer,
  createPat,
  type RunningServer,
  readCredentialsFile,
  runCli,
  runJson,
  signUp,
  storeOAuthLogin,
  useCliServer,
} from './cli-harness.ts';

/**
 * A newcomer's first hour with the `tessera` binary (issue 11, item 8): creating the first
 * account, and one test per rough edge that was found — each asserts what is printed and the
 * exit code, running the real binary against a real server.
 */

const cli = useCliServer();
const { newHome } = cli;
let server: RunningServer;
beforeAll(() => {
  ({ server } = cli);
});
const PASSWORD = 'a newcomer passphrase 42';

describe.concurrent('tessera signup', { timeout: 180_000 }, () => {
  it('creates the account, logs the CLI in with every scope, and leaves no web session behind', async ({
    expect,
  }) => {
    const home = await newHome();
    const email = uniqueEmail();
    const result = await runCli(['signup', '--email', email, '--name', 'New Comer', '--password-stdin'], {
      env: home.env,
      input: `${PASSWORD}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Created your account ${email} on ${server.url}`);
    expect(result.stderr).toContain('Settings → Personal access tokens → Generate new token');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);

    const stored = (await readCredentialsFile(home)).servers[server.url]?.credential;
    expect(stored?.kind).toBe('oauth');
    expect(stored?.access_token).toMatch(/^tes_acc_/);
    expect((await stat(home.credentialsFile)).mode & 0o777).toBe(0o600);

    const me = await runJson<{ user: { email: string; name: string }; credential: { scopes: string[] } }>(
      ['whoami'],
      { env: home.env },
    );
    expect(me.user).toMatchObject({ email, name: 'New Comer' });
    expect([...me.credential.scopes].sort()).toEqual([...SCOPES].sort());
    // A login with `account`: the newcomer can make a PAT right away.
    const created = await runJson<{ secret: string }>(
      ['tokens', 'create', '--name', 'first', '--scope', 'agents:read'],
      { env: home.env },
    );
    expect(created.secret).toMatch(/^tes_pat_/);

    // The sign-up's own web session was ended: only the CLI's sign-in is left.
    const sessions = await server.app.inject({
      url: '/api/account/sessions',
      headers: bearer(stored!.access_token!),
    });
    expect(sessions.statusCode, sessions.body).toBe(200);
    const kinds = (sessions.json().sessions as Array<{ type: string; client_id: string | null }>).map(
      (s) => `${s.type}:${s.client_id}`,
    );
    expect(kinds).toEqual(['app:tessera-cli']);
  });

  it('an e-mail that has an account → exit 1, hint names `tessera login --server`', async ({ expect }) => {
    const home = await newHome();
    const existing = await signUp(server.app);
    const result = await runCli(['signup', '--email', existing.email, '--password-stdin'], {
      env: home.env,
      input: PASSWORD,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
    expect(result.stderr).toContain(
      `hint: That e-mail already has an account: run \`tessera login --server ${server.url}\``,
    );
    await expect(stat(home.credentialsFile)).rejects.toThrow();
  });

  it('a too-short password → exit 1 with the server reason; no terminal and no --password-stdin → exit 2', async ({
    expect,
  }) => {
    const home = await newHome();
    const short = await runCli(['signup', '--email', uniqueEmail(), '--password-stdin'], {
      env: home.env,
      input: 'short\n',
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/password/i);
    expect(short.stderr).not.toContain('short\n');

    const noPassword = await runCli(['signup', '--email', uniqueEmail()], { env: home.env });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/--password-stdin/);
    const noEmail = await runCli(['signup', '--password-stdin'], { env: home.env, input: PASSWORD });
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toMatch(/--email/);
  });
});

describe.concurrent('rough edges of the first hour', { timeout: 180_000 }, () => {
  it('agents list: the "More:" hint keeps the filters, and running it gives the rest of the same query', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'agents:write']);
    const env = { ...home.env, TESSERA_TOKEN: pat.secret };
    const tag = `t${Date.now().toString(36)}`;
    for (const name of ['nightly build one', 'nightly build two', 'nightly build three', 'other thing']) {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/agents',
        headers: bearer(pat.secret),
        payload: { name, description: '', category: 'automation', tags: [tag], visibility: 'private' },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    // A decoy outside the category: the next page must not bring it in.
    await server.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: bearer(pat.secret),
      payload: {
        name: 'nightly build decoy',
        description: '',
        category: 'data',
        tags: [tag],
        visibility: 'private',
      },
    });

    const filters = [
      '--query',
      'nightly build',
      '--category',
      'automation',
      '--tag',
      tag,
      '--mine',
      '--limit',
      '2',
    ];
    const first = await runCli(['agents', 'list', ...filters], { env });
    expect(first.code, first.stderr).toBe(0);
    const more = /^More: (.+)$/m.exec(first.stderr)?.[1];
    expect(more).toMatch(
      new RegExp(
        `^tessera agents list --query 'nightly build' --category automation --tag ${tag} --mine --limit 2 --cursor \\S+$`,
      ),
    );
    const cursor = more!.split(' ').at(-1)!;
    const second = await runJson<{
      agents: Array<{ name: string; category: string }>;
      next_cursor: string | null;
    }>(['agents', 'list', ...filters, '--cursor', cursor], { env });
    expect(second.agents.map((a) => a.name)).toEqual(['nightly build one']);
    expect(second.next_cursor).toBeNull();

    // With --server given, the hint repeats it (it is the only way that command reaches this server).
    const withServer = await runCli(['--server', server.url, 'agents', 'list', ...filters], {
      env: { ...env, TESSERA_URL: '' },
    });
    expect(withServer.stderr).toMatch(
      new RegExp(`^More: tessera --server ${server.url} agents list --query`, 'm'),
    );
  });

  it('a server URL ending in /api or /api/ is corrected, with a warning that says so', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'profile:read']);
    for (const given of [`${server.url}/api`, `${server.url}/api/`, `${server.url}/API`]) {
      const result = await runCli(['--server', given, 'whoami'], {
        env: { ...home.env, TESSERA_TOKEN: pat.secret },
      });
      expect(result.code, `${given}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(user.email);
      expect(result.stderr).toContain(`Using ${server.url}`);
      expect(result.stderr).toMatch(/without \/api/);
    }
    // From TESSERA_URL too, and a login is stored under the corrected address.
    const login = await runCli(['login', '--with-token'], {
      env: { ...home.env, TESSERA_URL: `${server.url}/api/` },
      input: pat.secret,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(/without \/api/);
    expect(Object.keys((await readCredentialsFile(home)).servers)).toEqual([server.url]);
  });

  it('a revoked login: exit 4, and the hint names the server', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const tokens = await storeOAuthLogin(home, server, user, { expiresAt: new Date(Date.now() - 1000) });
    await server.app.inject({
      method: 'POST',
      url: '/api/oauth/revoke',
      payload: { token: tokens.refresh_token },
    });

    const result = await runCli(['agents', 'list'], { env: home.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`error: Your login to ${server.url} has expired or was revoked.`);
    expect(result.stderr).toContain(`hint: Run \`tessera login --server ${server.url}\` again.`);

    // A stored PAT (--with-token) that was revoked since: the same, and not a word about TESSERA_TOKEN
    // for a command that needs an interactive login.
    const patHome = await newHome();
    const pat = await createPat(server.app, user, ['agents:read']);
    expect((await runCli(['login', '--with-token'], { env: patHome.env, input: pat.secret })).code).toBe(0);
    await server.app.inject({
      method: 'DELETE',
      url: `/api/account/tokens/${pat.token.id}`,
      headers: { cookie: user.cookie },
    });
    const refused = await runCli(['agents', 'list'], { env: patHome.env });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`tessera login --server ${server.url}`);
  });

  it('hints suggest TESSERA_TOKEN only where a token can help', async ({ expect }) => {
    const home = await newHome();
    // Nothing stored: commands that need an interactive login say `tessera login --server …` only.
    for (const args of [
      ['tokens', 'list'],
      ['automation-tokens', 'list', '--repo', 'rep_x'],
      ['providers', 'list'],
    ]) {
      const result = await runCli(args, { env: home.env });
      expect(result.code, args.join(' ')).toBe(4);
      expect(result.stderr).toContain(`tessera login --server ${server.url}`);
      expect(result.stderr, args.join(' ')).not.toContain('TESSERA_TOKEN');
    }
    // …while a PAT can help with agents.
    const agents = await runCli(['agents', 'list'], { env: home.env });
    expect(agents.code).toBe(4);
    expect(agents.stderr).toMatch(/hint: .*TESSERA_TOKEN/);
    // A newcomer without an account is pointed at sign-up, on the same server.
    expect(agents.stderr).toContain(`tessera signup --server ${server.url}`);

    // Logged in with a PAT: token management needs an interactive login; TESSERA_TOKEN is not the way.
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'profile:read']);
    await runCli(['login', '--with-token'], { env: home.env, input: pat.secret });
    const stored = await runCli(['tokens', 'list'], { env: home.env });
    expect(stored.code).toBe(4);
    expect(stored.stderr).toContain(`hint: Personal access tokens cannot manage tokens`);
    expect(stored.stderr).toContain(`tessera login --server ${server.url}`);
    expect(stored.stderr).not.toContain('TESSERA_TOKEN');

    // The PAT comes from TESSERA_TOKEN: then unsetting it is the advice that helps.
    const fromEnv = await runCli(['tokens', 'list'], { env: { ...home.env, TESSERA_TOKEN: pat.secret } });
    expect(fromEnv.code).toBe(4);
    expect(fromEnv.stderr).toMatch(/hint: TESSERA_TOKEN holds a token .*unset it/);
  });

  it('--with-token with a malformed token exits 4, as the README documents; nothing on stdin is usage (2)', async ({
    expect,
  }) => {
    const home = await newHome();
    const malformed = await runCli(['login', '--with-token'], { env: home.env, input: 'hunter2\n' });
    expect(malformed.code).toBe(4);
    expect(malformed.stderr).toContain(
      'error: That is not a Tessera personal access, automation or access token.',
    );
    expect(malformed.stderr).toMatch(/hint: Tokens look like tes_pat_…/);
    expect(malformed.stderr).not.toContain('hunter2');

    // A token of the registry Tessera replaces: told what happened, and where to get a Tessera one.
    const registry = await runCli(['login', '--with-token'], { env: home.env, input: 'ab'.repeat(32) });
    expect(registry.code).toBe(4);
    expect(registry.stderr).toMatch(/hint: It looks like a token of the old agents registry/);
    expect(registry.stderr).toContain('Settings → Personal access tokens → Generate new token');

    const empty = await runCli(['login', '--with-token'], { env: home.env, input: '' });
    expect(empty.code).toBe(2);
    await expect(stat(home.credentialsFile)).rejects.toThrow();

    // The README's exit-code table says the same.
    const readme = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| 4 |'));
    expect(row).toMatch(/malformed/);
  });

  it('whoami --json prints the body of GET /api/me unchanged', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const pat = await createPat(server.app, user, ['agents:read', 'profile:read']);
    const env = { ...home.env, TESSERA_TOKEN: pat.secret };
    const printed = await runJson(['whoami'], { env });
    const api = (await server.app.inject({ url: '/api/me', headers: bearer(pat.secret) })).json();
    expect(printed).toEqual(api);

    // A PAT without profile:read: the same shape, with `user: null`.
    const narrow = await createPat(server.app, user, ['agents:read'], 'narrow');
    const fallback = await runJson(['whoami'], { env: { ...home.env, TESSERA_TOKEN: narrow.secret } });
    expect(fallback).toEqual({
      user: null,
      credential: {
        kind: 'personal',
        scopes: ['agents:read'],
        token_id: narrow.token.id,
        expires_at: expect.any(String),
      },
    });
  });

  it('help lists the allowed values of --scope and --category', async ({ expect }) => {
    const home = await newHome();
    const help = async (...args: string[]) => {
      const result = await runCli([...args, '--help'], { env: { ...home.env, COLUMNS: '200' } });
      expect(result.code).toBe(0);
      return result.stdout;
    };
    const loginHelp = await help('login');
    for (const scope of SCOPES) expect(loginHelp, `login --scope: ${scope}`).toContain(` ${scope}`);
    const tokenHelp = await help('tokens', 'create');
    for (const scope of RESOURCE_SCOPES)
      expect(tokenHelp, `tokens create --scope: ${scope}`).toContain(scope);
    // A PAT never holds `account` (docs/api.md §3): not offered.
    expect(tokenHelp).not.toMatch(/one of [^;]*\baccount\b/);
    for (const command of [
      ['agents', 'list'],
      ['agents', 'create'],
      ['agents', 'update'],
    ]) {
      const text = await help(...command);
      for (const id of SUGGESTED_AGENT_CATEGORIES.ids) {
        expect(text, `${command.join(' ')} --category: ${id}`).toMatch(new RegExp(`\\b${id}\\b`));
      }
    }
  });
});
