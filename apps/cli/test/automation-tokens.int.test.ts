import { beforeAll, describe, it } from 'vitest';
import type { FakeGitHub } from '../../server/test/fakes/github.ts';
import { automationToken } from '../../server/test/fixtures/index.ts';
import {
  bearer,
  type RunningServer,
  runCli,
  runJson,
  signUp,
  storeOAuthLogin,
  useCliServer,
} from './cli-harness.ts';

/**
 * `tessera automation-tokens` after issue #11 item 6 (ADR 0024): the list shows name, task group
 * title, scope, expiry, created and last used; a revoked token's group goes on with `reissue`,
 * or ends with `close-group`.
 */
const cli = useCliServer({ github: true });
const { newHome } = cli;
let server: RunningServer;
let github: FakeGitHub;
beforeAll(() => {
  ({ server, github } = cli);
});

/** A signed-in CLI home, a connected repository and an open task group with its token. */
async function setUp(title: string) {
  const home = await newHome();
  const user = await signUp(server.app);
  await storeOAuthLogin(home, server, user);
  const made = await automationToken(server.app, user, github, {
    login: `cli${Math.random().toString(36).slice(2, 8)}`,
    title,
  });
  return { home, repoId: made.repoId, groupId: made.groupId, tokenId: made.tokenId, secret: made.secret };
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
