import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { type FakeGitHub, newGitHubToken } from '../../server/test/fakes/github.ts';
import {
  bearer,
  type RunningServer,
  readCredentialsFile,
  runCli,
  runJson,
  signUp,
  storeOAuthLogin,
  useCliServer,
} from './cli-harness.ts';

/**
 * Token controls on the command line (issue #16): restrictions at creation, rotation with an
 * overlap, `show`, `restrict-networks`, `reduce-scopes` and `self-rotate`, through the real binary
 * against a real server on a loopback port (so every request comes from 127.0.0.0/24).
 */
const cli = useCliServer({ github: true });
const { newHome } = cli;
let server: RunningServer;
let github: FakeGitHub;
beforeAll(() => {
  ({ server, github } = cli);
});
const presents = async (secret: string, url = '/api/tokens/self') =>
  (await server.app.inject({ url, headers: bearer(secret) })).statusCode;

type TokenView = {
  id: string;
  scopes: string[];
  repo_ids: string[] | null;
  allowed_cidrs: string[] | null;
  allow_self_rotation: boolean;
  on_rotated_out_use: string;
  old_secret_valid_until: string | null;
};
type Created = { token: TokenView; secret: string };

async function connectRepo(user: { cookie: string }, fullName: string): Promise<string> {
  const githubToken = newGitHubToken();
  github.addToken(githubToken, {
    login: 'octo',
    scopes: ['repo'],
    repos: [{ full_name: fullName, private: true, default_branch: 'main' }],
  });
  const account = await server.app.inject({
    method: 'POST',
    url: '/api/provider-accounts',
    headers: { cookie: user.cookie },
    payload: { provider: 'github', name: 'GitHub', token: githubToken },
  });
  if (account.statusCode !== 201) throw new Error(account.body);
  const repo = await server.app.inject({
    method: 'POST',
    url: '/api/repos',
    headers: { cookie: user.cookie },
    payload: { provider_account_id: account.json().id, full_name: fullName },
  });
  if (repo.statusCode !== 201) throw new Error(repo.body);
  return repo.json().id as string;
}

describe.concurrent('tessera tokens create with restrictions', () => {
  it('--repo (by name), --allow-cidr, --allow-self-rotation, --on-replay reach the token, and are enforced', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const alpha = await connectRepo(user, 'octo/alpha');
    const beta = await connectRepo(user, 'octo/beta');

    const created = await runJson<Created>(
      [
        'tokens',
        'create',
        '--name',
        'deploy',
        '--scope',
        'repos:read',
        '--repo',
        'octo/alpha',
        '--allow-cidr',
        '127.0.0.0/8',
        '--allow-cidr',
        '2001:db8::/48',
        '--allow-self-rotation',
        '--on-replay',
        'notify',
      ],
      { env: home.env },
    );
    expect(created.token).toMatchObject({
      repo_ids: [alpha],
      allowed_cidrs: ['127.0.0.0/8', '2001:db8::/48'],
      allow_self_rotation: true,
      on_rotated_out_use: 'notify',
    });
    // Enforced by the server: the other repository is not there for this token.
    expect(await presents(created.secret, `/api/repos/${alpha}`)).toBe(200);
    expect(await presents(created.secret, `/api/repos/${beta}`)).toBe(404);

    const human = await runCli(
      ['tokens', 'create', '--name', 'human', '--scope', 'repos:read', '--repo', alpha],
      {
        env: home.env,
      },
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`Repositories:\\s+${alpha}`));
    expect(human.stdout).toMatch(/Networks:\s+any/);
  });

  it('an unknown repository or a bad option is a usage error (exit 2) and creates nothing', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const unknown = await runCli(
      ['tokens', 'create', '--name', 'x', '--scope', 'repos:read', '--repo', 'octo/nowhere'],
      { env: home.env },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/octo\/nowhere/);
    const badReplay = await runCli(
      ['tokens', 'create', '--name', 'x', '--scope', 'repos:read', '--on-replay', 'ignore'],
      { env: home.env },
    );
    expect(badReplay.code).toBe(2);
    // A CIDR the server refuses: exit 1 with the field named.
    const badCidr = await runCli(
      ['tokens', 'create', '--name', 'x', '--scope', 'repos:read', '--allow-cidr', '300.1.2.3/8'],
      { env: home.env },
    );
    expect(badCidr.code).toBe(1);
    expect(badCidr.stderr).toMatch(/allowed_cidrs/);
    const listed = await runJson<{ tokens: unknown[] }>(['tokens', 'list'], { env: home.env });
    expect(listed.tokens).toEqual([]);
  });
});

describe.concurrent('tessera tokens rotate --overlap / show', () => {
  it('rotate --overlap first-use --overlap-deadline 2h keeps both secrets until the new one is used; show says so', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const created = await runJson<Created>(['tokens', 'create', '--name', 'r', '--scope', 'profile:read'], {
      env: home.env,
    });
    const before = Date.now();
    const rotated = await runJson<Created>(
      ['tokens', 'rotate', created.token.id, '--overlap', 'first-use', '--overlap-deadline', '2h', '--yes'],
      { env: home.env },
    );
    const until = Date.parse(rotated.token.old_secret_valid_until!);
    expect(until).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000 + 1000);
    expect(await presents(created.secret)).toBe(200);

    const shown = await runCli(['tokens', 'show', created.token.id], { env: home.env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/Status:\s+rotating/);
    expect(shown.stdout).toMatch(/old secret valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    // The first use of the new secret ends the overlap.
    expect(await presents(rotated.secret)).toBe(200);
    expect(await presents(created.secret)).toBe(401);
    const after = await runCli(['tokens', 'show', created.token.id], { env: home.env });
    expect(after.stdout).toMatch(/Rotation:\s+no overlap running/);

    const badDeadline = await runCli(
      ['tokens', 'rotate', created.token.id, '--overlap', 'first-use', '--overlap-deadline', 'soon', '--yes'],
      { env: home.env },
    );
    expect(badDeadline.code).toBe(2);
  });

  it('show lists the networks used and the scope usage with the suggested reduction', async ({ expect }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const created = await runJson<Created>(
      ['tokens', 'create', '--name', 's', '--scope', 'profile:read,agents:read,agents:write'],
      { env: home.env },
    );
    expect(await presents(created.secret, '/api/agents?mine=true')).toBe(200);
    await server.app.credentials.activity.flush();

    const shown = await runJson<{
      token: TokenView;
      networks: Array<{ network: string; first_seen_at: string; last_seen_at: string }>;
      usage: { used: Array<{ scope: string }>; suggested_scopes: string[]; reducible: boolean };
    }>(['tokens', 'show', created.token.id], { env: home.env });
    expect(shown.token.id).toBe(created.token.id);
    expect(shown.networks.map((n) => n.network)).toEqual(['127.0.0.0/24']);
    expect(shown.usage.used.map((u) => u.scope)).toEqual(['agents:read']);
    expect(shown.usage).toMatchObject({ suggested_scopes: ['agents:read'], reducible: true });

    const human = await runCli(['tokens', 'show', created.token.id], { env: home.env });
    expect(human.stdout).toMatch(/^NETWORK\s+FIRST SEEN\s+LAST SEEN/m);
    expect(human.stdout).toMatch(/^127\.0\.0\.0\/24\s+\d{4}-/m);
    expect(human.stdout).toMatch(/Suggested scopes: agents:read \(apply with `tessera tokens reduce-scopes/);
    expect(human.stdout).toContain(`tessera tokens restrict-networks ${created.token.id}`);
    expect(human.stdout).not.toContain(created.secret);
  });

  it("someone else's token: show is not found (exit 1)", async ({ expect }) => {
    const home = await newHome();
    const owner = await signUp(server.app);
    const ownerHome = await newHome();
    await storeOAuthLogin(ownerHome, server, owner);
    const theirs = await runJson<Created>(['tokens', 'create', '--name', 'o', '--scope', 'profile:read'], {
      env: ownerHome.env,
    });
    await storeOAuthLogin(home, server, await signUp(server.app));
    for (const command of ['show', 'restrict-networks', 'reduce-scopes']) {
      const result = await runCli(
        ['tokens', command, theirs.token.id, ...(command === 'show' ? [] : ['--yes'])],
        { env: home.env },
      );
      expect(result.code, command).toBe(1);
    }
  });
});

describe.concurrent('tessera tokens restrict-networks / reduce-scopes', () => {
  it('restrict-networks limits the token to the networks it used (confirmation required); reduce-scopes applies the suggestion', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const created = await runJson<Created>(
      ['tokens', 'create', '--name', 'n', '--scope', 'profile:read,agents:read,agents:write'],
      { env: home.env },
    );
    // Nothing used yet: nothing to restrict to, nothing to reduce.
    const early = await runCli(['tokens', 'restrict-networks', created.token.id, '--yes'], { env: home.env });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no recorded use/);
    const nothing = await runJson<{ reduced: boolean }>(['tokens', 'reduce-scopes', created.token.id], {
      env: home.env,
    });
    expect(nothing.reduced).toBe(false);

    expect(await presents(created.secret, '/api/agents?mine=true')).toBe(200);
    await server.app.credentials.activity.flush();

    const unconfirmed = await runCli(['tokens', 'restrict-networks', created.token.id], { env: home.env });
    expect(unconfirmed.code).toBe(2);
    const restricted = await runJson<TokenView>(['tokens', 'restrict-networks', created.token.id, '--yes'], {
      env: home.env,
    });
    expect(restricted.allowed_cidrs).toEqual(['127.0.0.0/24']);
    expect(await presents(created.secret, '/api/agents?mine=true')).toBe(200);
    // From elsewhere it is refused now.
    const elsewhere = await server.app.inject({
      url: '/api/agents?mine=true',
      headers: bearer(created.secret),
      remoteAddress: '198.51.100.7',
    });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().code).toBe('network_not_allowed');

    const reduced = await runJson<{ reduced: boolean; scopes: string[] }>(
      ['tokens', 'reduce-scopes', created.token.id, '--yes'],
      { env: home.env },
    );
    expect(reduced).toMatchObject({ reduced: true, scopes: ['agents:read'] });
    expect(await presents(created.secret, '/api/me')).toBe(403);
    expect(await presents(created.secret, '/api/agents?mine=true')).toBe(200);
  });
});

describe.concurrent('tessera tokens self-rotate', () => {
  it('with TESSERA_TOKEN and --out: the new secret goes to a 0600 file, not to the output; the old one works until the new one is used', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const created = await runJson<Created>(
      ['tokens', 'create', '--name', 'bot', '--scope', 'agents:read', '--allow-self-rotation'],
      { env: home.env },
    );
    const file = path.join(home.dir, 'token.txt');
    await writeFile(file, `${created.secret}\n`, { mode: 0o644 });
    const env = { ...home.env, TESSERA_TOKEN: created.secret };

    const result = await runCli(
      ['tokens', 'self-rotate', '--out', file, '--overlap-deadline', '30m', '--json'],
      {
        env,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as { token: TokenView; written_to: string };
    expect(body.written_to).toBe(file);
    const secret = (await readFile(file, 'utf8')).trim();
    expect(secret).toMatch(/^tes_pat_/);
    expect(secret).not.toBe(created.secret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(Date.parse(body.token.old_secret_valid_until!)).toBeLessThanOrEqual(
      Date.now() + 30 * 60_000 + 1000,
    );

    expect(await presents(created.secret)).toBe(200);
    expect(await presents(secret)).toBe(200);
    expect(await presents(created.secret)).toBe(401);
  });

  it('a token stored with login --with-token is replaced in the store; printed once without --out', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    const login = await newHome();
    await storeOAuthLogin(login, server, user);
    const created = await runJson<Created>(
      ['tokens', 'create', '--name', 'bot', '--scope', 'profile:read', '--allow-self-rotation'],
      { env: login.env },
    );
    const stored = await runCli(['login', '--with-token'], { env: home.env, input: created.secret });
    expect(stored.code, stored.stderr).toBe(0);

    const result = await runCli(['tokens', 'self-rotate'], { env: home.env });
    expect(result.code, result.stderr).toBe(0);
    const secret = /^(tes_pat_\S+)$/m.exec(result.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(result.stderr).toMatch(/old secret works until the new one is first used/);
    const file = await readCredentialsFile(home);
    expect(file.servers[server.url]?.credential?.token).toBe(secret);
    // The CLI now works with the new secret (and that use ends the overlap).
    const whoami = await runCli(['whoami'], { env: home.env });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(await presents(created.secret)).toBe(401);
  });

  it('a token without --allow-self-rotation, or an interactive login, cannot: exit 4 with a hint, nothing rotated', async ({
    expect,
  }) => {
    const home = await newHome();
    const user = await signUp(server.app);
    await storeOAuthLogin(home, server, user);
    const plain = await runJson<Created>(['tokens', 'create', '--name', 'p', '--scope', 'agents:read'], {
      env: home.env,
    });
    const refused = await runCli(['tokens', 'self-rotate'], {
      env: { ...home.env, TESSERA_TOKEN: plain.secret },
    });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/hint: Only a personal access token created with --allow-self-rotation/);
    expect(await presents(plain.secret)).toBe(200);

    const byLogin = await runCli(['tokens', 'self-rotate'], { env: home.env });
    expect(byLogin.code).toBe(4);
  });
});
