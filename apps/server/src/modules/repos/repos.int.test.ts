import { describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../test/fixtures/accounts.ts';
import { storedAuditTargetTypes } from '../../../test/fixtures/audit-rows.ts';
import { addGitHubAccount, createPat } from '../../../test/fixtures/index.ts';
import {
  AUTOMATION_TOKEN,
  alphaAndBeta,
  connectRepo,
  createTaskAgent,
  deleteProviderAccount,
  ensureTaskGroup,
  openTaskGroup,
  signUpWithGitHub,
  useAppWithFakeGitHub,
} from '../../../test/fixtures/repos.ts';
import { PAT_VIEW_FIELDS } from '../../../test/fixtures/token-views.ts';
import { bearer, sessionOf, signUp, type TestUser } from '../../../test/harness.ts';

const ctx = useAppWithFakeGitHub();

/** A GitHub account (throws unless added) with the repositories alpha (private) and beta (public, branch trunk). */
async function addProviderAccount(user: TestUser, login = 'octo') {
  const { account } = await addGitHubAccount(ctx.app, user, ctx.github, {
    login,
    repos: alphaAndBeta(login, 'trunk'),
  });
  return account.id;
}

const connect = (user: TestUser, providerAccountId: string, fullName: string) =>
  connectRepo(ctx.app, sessionOf(user), providerAccountId, fullName);

const createAgent = (user: TestUser, visibility: 'public' | 'private' = 'private') =>
  createTaskAgent(ctx.app, sessionOf(user), { visibility });

/** A user with a GitHub account, the connected repository octo/alpha and a private agent. */
async function setUp() {
  const { user, login, providerAccountId } = await signUpWithGitHub(ctx, (name) =>
    alphaAndBeta(name, 'trunk'),
  );
  const repo = (await connect(user, providerAccountId, `${login}/alpha`)).json();
  const agentId = await createAgent(user);
  return { user, providerAccountId, repo, agentId, login };
}

const ensureGroup = (headers: Record<string, string>, repoId: string, agentId: string, title: string) =>
  ensureTaskGroup(ctx.app, headers, repoId, agentId, title);

const openGroup = (user: TestUser, repoId: string, agentId: string, title?: string) =>
  openTaskGroup(ctx.app, sessionOf(user), repoId, agentId, title);

describe('repositories', () => {
  it('connects a repository as the provider describes it, answering 201 Repo', async () => {
    const user = await signUp(ctx.app);
    const providerAccountId = await addProviderAccount(user, 'casey');
    const response = await connect(user, providerAccountId, 'CASEY/Alpha');
    expect(response.statusCode).toBe(201);
    const repo = response.json();
    expect(Object.keys(repo).sort()).toEqual(
      [
        'created_at',
        'default_branch',
        'full_name',
        'id',
        'private',
        'provider',
        'provider_account_id',
      ].sort(),
    );
    expect(repo).toMatchObject({
      provider_account_id: providerAccountId,
      provider: 'github',
      full_name: 'casey/alpha',
      private: true,
      default_branch: 'main',
    });
    const list = await ctx.app.inject({ url: '/api/repos', headers: sessionOf(user) });
    expect(list.json().repos).toEqual([repo]);
    expect((await ctx.app.inject({ url: `/api/repos/${repo.id}`, headers: sessionOf(user) })).json()).toEqual(
      repo,
    );
    const again = await connect(user, providerAccountId, 'casey/alpha');
    expect(again.statusCode).toBe(409);
  });

  it('answers 404 for a repository the token cannot see and for someone else’s provider account', async () => {
    const { user, providerAccountId, login } = await setUp();
    expect((await connect(user, providerAccountId, `${login}/hidden`)).statusCode).toBe(404);
    const other = await signUp(ctx.app);
    const theirs = await connect(other, providerAccountId, `${login}/beta`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().detail).toBe('There is no such provider account.');
  });

  it.each(['../user', 'octo/../../user', 'octo', 'octo/alpha/extra', 'octo/al pha', '/octo/alpha'])(
    'refuses the full_name %j with 400 before asking the provider',
    async (fullName) => {
      const { user, providerAccountId } = await setUp();
      const before = ctx.github.requests.length;
      const response = await connect(user, providerAccountId, fullName);
      expect(response.statusCode).toBe(400);
      expect(ctx.github.requests.length).toBe(before);
    },
  );

  it('serves GET /api/repos to a PAT with repos:read, and refuses a PAT without it', async () => {
    const { user, repo } = await setUp();
    const reader = await createPat(ctx.app, user, { scopes: ['repos:read'], expires_in_days: 7 });
    const listed = await ctx.app.inject({ url: '/api/repos', headers: bearer(reader.secret) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().repos.map((r: { id: string }) => r.id)).toEqual([repo.id]);
    const other = await createPat(ctx.app, user, { scopes: ['agents:read'], expires_in_days: 7 });
    const refused = await ctx.app.inject({ url: `/api/repos/${repo.id}`, headers: bearer(other.secret) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('insufficient_scope');
    // Connecting and disconnecting need an interactive sign-in, whatever the PAT's scopes.
    const writer = await createPat(ctx.app, user, {
      scopes: ['repos:write', 'tasks:write'],
      expires_in_days: 7,
    });
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/repos/${repo.id}`,
      headers: bearer(writer.secret),
    });
    expect(del.statusCode).toBe(401);
    expect(del.json().code).toBe('interactive_credential_required');
  });

  it('refuses to delete a provider account that repositories are connected through', async () => {
    const { user, providerAccountId, repo } = await setUp();
    const refused = await deleteProviderAccount(ctx.app, sessionOf(user), providerAccountId);
    expect(refused.statusCode).toBe(409);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/repos/${repo.id}`, headers: sessionOf(user) }))
        .statusCode,
    ).toBe(204);
    const deleted = await deleteProviderAccount(ctx.app, sessionOf(user), providerAccountId);
    expect(deleted.statusCode).toBe(204);
  });
});

describe('task groups and their automation token', () => {
  it('creates a group with one automation token (tasks:write, no expiry), shown once', async () => {
    const { user, repo, agentId } = await setUp();
    const response = await ensureGroup(sessionOf(user), repo.id, agentId, 'Fix the flaky tests');
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.task_group).toMatchObject({
      repo_id: repo.id,
      agent_id: agentId,
      title: 'Fix the flaky tests',
      status: 'open',
      closed_at: null,
    });
    expect(body.automation_token.secret).toMatch(AUTOMATION_TOKEN);
    expect(body.automation_token.token).toMatchObject({
      kind: 'automation',
      scopes: ['tasks:write'],
      expires_at: null,
      status: 'active',
      revoked_at: null,
      preview: `${body.automation_token.secret.slice(0, 12)}…`,
    });

    // The same agent and title again: the same group and token, without the secret.
    const again = await ensureGroup(sessionOf(user), repo.id, agentId, 'fix the FLAKY tests');
    expect(again.statusCode).toBe(200);
    expect(again.json().task_group.id).toBe(body.task_group.id);
    expect(again.json().automation_token.token.id).toBe(body.automation_token.token.id);
    expect(again.json().automation_token).not.toHaveProperty('secret');
    expect(again.body).not.toContain(body.automation_token.secret);
  });

  it('converges on one group and one token when two requests race', async () => {
    const { user, repo, agentId } = await setUp();
    const title = 'Concurrent ensure';
    const [a, b] = await Promise.all([
      ensureGroup(sessionOf(user), repo.id, agentId, title),
      ensureGroup(sessionOf(user), repo.id, agentId, title),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().task_group.id).toBe(b.json().task_group.id);
    expect([a.json(), b.json()].filter((r) => r.automation_token.secret)).toHaveLength(1);
    const groups = await ctx.store.db
      .selectFrom('task_groups')
      .select('id')
      .where('repo_id', '=', repo.id)
      .execute();
    expect(groups).toHaveLength(1);
    const tokens = await ctx.store.db
      .selectFrom('credentials')
      .select('id')
      .where('kind', '=', 'automation')
      .where('task_group_id', '=', groups[0]!.id)
      .execute();
    expect(tokens).toHaveLength(1);
  });

  it('accepts someone else’s public agent and refuses their private one with 404', async () => {
    const { user, repo } = await setUp();
    const stranger = await signUp(ctx.app);
    const publicAgent = await createAgent(stranger, 'public');
    const privateAgent = await createAgent(stranger, 'private');
    expect((await ensureGroup(sessionOf(user), repo.id, publicAgent, 'public')).statusCode).toBe(201);
    const refused = await ensureGroup(sessionOf(user), repo.id, privateAgent, 'private');
    expect(refused.statusCode).toBe(404);
    expect((await ensureGroup(sessionOf(user), repo.id, 'agt_nope', 'unknown')).statusCode).toBe(404);
  });

  it('lets a PAT with tasks:write create groups and a PAT with tasks:read list them', async () => {
    const { user, repo, agentId } = await setUp();
    const writer = await createPat(ctx.app, user, { scopes: ['tasks:write'], expires_in_days: 7 });
    const created = await ensureGroup(bearer(writer.secret), repo.id, agentId, 'from a PAT');
    expect(created.statusCode).toBe(201);
    const reader = await createPat(ctx.app, user, { scopes: ['tasks:read'], expires_in_days: 7 });
    const listed = await ctx.app.inject({
      url: `/api/task-groups?repo_id=${repo.id}`,
      headers: bearer(reader.secret),
    });
    expect(listed.json().task_groups.map((g: { id: string }) => g.id)).toEqual([
      created.json().task_group.id,
    ]);
    const denied = await ensureGroup(bearer(reader.secret), repo.id, agentId, 'read only');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('insufficient_scope');
  });
});

describe('automation tokens', () => {
  it('work on their own group’s tasks and answer 404 for everything else', async () => {
    const { user, repo, agentId } = await setUp();
    const mine = await openGroup(user, repo.id, agentId, 'mine');
    const other = await openGroup(user, repo.id, agentId, 'other');
    const auth = bearer(mine.secret);

    const task = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${mine.group.id}/tasks`,
      headers: auth,
      payload: { title: 'Run the tests' },
    });
    expect(task.statusCode).toBe(201);
    expect(task.json()).toMatchObject({
      task_group_id: mine.group.id,
      title: 'Run the tests',
      status: 'queued',
    });
    const running = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/tasks/${task.json().id}`,
      headers: auth,
      payload: { status: 'succeeded', output: 'all green' },
    });
    expect(running.statusCode).toBe(200);
    expect(running.json()).toMatchObject({ status: 'succeeded', output: 'all green' });

    // Another group of the same user and repository is out of reach.
    const otherTask = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${other.group.id}/tasks`,
      headers: bearer(other.secret),
      payload: { title: 'theirs' },
    });
    const attempts = [
      { method: 'POST' as const, url: `/api/task-groups/${other.group.id}/tasks`, payload: { title: 'x' } },
      { method: 'PATCH' as const, url: `/api/tasks/${otherTask.json().id}`, payload: { status: 'failed' } },
      { method: 'POST' as const, url: `/api/task-groups/${other.group.id}/close` },
      {
        method: 'POST' as const,
        url: `/api/repos/${repo.id}/task-groups`,
        payload: { agent_id: agentId, title: 'new' },
      },
    ];
    for (const attempt of attempts) {
      const response = await ctx.app.inject({ ...attempt, headers: auth });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    const listed = await ctx.app.inject({ url: `/api/task-groups?repo_id=${repo.id}`, headers: auth });
    expect(listed.json().task_groups.map((g: { id: string }) => g.id)).toEqual([mine.group.id]);
    // The other group is untouched.
    const all = await ctx.app.inject({
      url: `/api/task-groups?repo_id=${repo.id}`,
      headers: sessionOf(user),
    });
    expect(all.json().task_groups.find((g: { id: string }) => g.id === other.group.id).status).toBe('open');
    // And repositories are not theirs to read.
    expect((await ctx.app.inject({ url: '/api/repos', headers: auth })).statusCode).toBe(403);
  });

  it('are refused on every interactive route with 401 interactive_credential_required', async () => {
    const { user, repo, agentId, providerAccountId } = await setUp();
    const { secret, token } = await openGroup(user, repo.id, agentId);
    for (const attempt of [
      { method: 'GET' as const, url: `/api/repos/${repo.id}/automation-tokens` },
      { method: 'DELETE' as const, url: `/api/repos/${repo.id}/automation-tokens/${token.id}` },
      { method: 'DELETE' as const, url: `/api/repos/${repo.id}` },
      {
        method: 'POST' as const,
        url: '/api/repos',
        payload: { provider_account_id: providerAccountId, full_name: 'a/b' },
      },
      { method: 'GET' as const, url: '/api/provider-accounts' },
      { method: 'GET' as const, url: '/api/account/tokens' },
      {
        method: 'POST' as const,
        url: '/api/account/tokens',
        payload: { name: 'x', scopes: ['tasks:write'] },
      },
    ]) {
      const response = await ctx.app.inject({ ...attempt, headers: bearer(secret) });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
    // Still active: nothing above touched it.
    const listed = await ctx.app.inject({
      url: `/api/repos/${repo.id}/automation-tokens`,
      headers: sessionOf(user),
    });
    expect(listed.json().tokens[0].status).toBe('active');
  });

  it('keep the lists apart: a repository shows no PATs, the PAT list shows no automation tokens', async () => {
    const { user, repo, agentId } = await setUp();
    const pat = await createPat(ctx.app, user, { scopes: ['tasks:write'], expires_in_days: 7 });
    const first = await openGroup(user, repo.id, agentId, 'one');
    const second = await openGroup(user, repo.id, agentId, 'two');
    const repoTokens = (
      await ctx.app.inject({ url: `/api/repos/${repo.id}/automation-tokens`, headers: sessionOf(user) })
    ).json().tokens;
    expect(repoTokens.map((t: { id: string }) => t.id).sort()).toEqual(
      [first.token.id, second.token.id].sort(),
    );
    expect(repoTokens.every((t: { kind: string }) => t.kind === 'automation')).toBe(true);
    expect(repoTokens.find((t: { id: string }) => t.id === first.token.id).task_group_id).toBe(
      first.group.id,
    );
    expect(Object.keys(repoTokens[0]).sort()).toEqual(
      [...PAT_VIEW_FIELDS, 'task_group_id', 'task_group_status', 'task_group_title'].sort(),
    );
    const pats = (await ctx.app.inject({ url: '/api/account/tokens', headers: sessionOf(user) })).json()
      .tokens;
    expect(pats.map((t: { id: string }) => t.id)).toEqual([pat.token.id]);
    // A PAT's id is not an automation token of the repository.
    const wrongKind = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/repos/${repo.id}/automation-tokens/${pat.token.id}`,
      headers: sessionOf(user),
    });
    expect(wrongKind.statusCode).toBe(404);
  });

  it('are revoked when their group closes: the next request fails, the list says revoked', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, token, secret } = await openGroup(user, repo.id, agentId);
    const auth = bearer(secret);
    expect((await ctx.app.inject({ url: '/api/task-groups', headers: auth })).statusCode).toBe(200);

    const closed = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: sessionOf(user),
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ id: group.id, status: 'closed' });
    expect(closed.json().closed_at).not.toBeNull();

    const after = await ctx.app.inject({ url: '/api/task-groups', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('invalid_token');
    const listed = (
      await ctx.app.inject({ url: `/api/repos/${repo.id}/automation-tokens`, headers: sessionOf(user) })
    ).json();
    expect(listed.tokens.find((t: { id: string }) => t.id === token.id)).toMatchObject({ status: 'revoked' });

    // Closing again changes nothing; a closed group takes no new tasks.
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: sessionOf(user),
    });
    expect(again.json().closed_at).toBe(closed.json().closed_at);
    const task = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/tasks`,
      headers: sessionOf(user),
      payload: { title: 'late' },
    });
    expect(task.statusCode).toBe(409);

    const events = (await ctx.app.inject({ url: '/api/account/audit-log', headers: sessionOf(user) })).json()
      .events;
    const revoked = events.find((e: { action: string }) => e.action === 'automation_token.revoked');
    expect(revoked).toMatchObject({
      target_type: 'automation_token',
      target_id: token.id,
      metadata: { reason: 'task_group_closed', task_group_id: group.id },
    });
    // Stored under the list's name, not the `credential` older writers used (ADR 0040).
    const stored = await ctx.store.db
      .selectFrom('audit_events')
      .select(['action', 'target_type'])
      .where('target_id', '=', token.id)
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { action: 'automation_token.created', target_type: 'automation_token' },
      { action: 'automation_token.revoked', target_type: 'automation_token' },
    ]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['task_group.closed', 'automation_token.created', 'task_group.created']),
    );
    // A new group with the same agent and title may open now, with a new token.
    const reopened = await ensureGroup(sessionOf(user), repo.id, agentId, group.title);
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json().task_group.id).not.toBe(group.id);
  });

  it('lets an automation token close its own group, which revokes it', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, secret } = await openGroup(user, repo.id, agentId);
    const closed = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: bearer(secret),
    });
    expect(closed.statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/task-groups', headers: bearer(secret) })).statusCode).toBe(401);
  });

  it('are all revoked when the repository is disconnected', async () => {
    const { user, repo, agentId } = await setUp();
    const one = await openGroup(user, repo.id, agentId, 'one');
    const two = await openGroup(user, repo.id, agentId, 'two');
    const deleted = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/repos/${repo.id}`,
      headers: sessionOf(user),
    });
    expect(deleted.statusCode).toBe(204);
    for (const { secret } of [one, two]) {
      const response = await ctx.app.inject({ url: '/api/task-groups', headers: bearer(secret) });
      expect(response.statusCode).toBe(401);
    }
    expect(
      (await ctx.app.inject({ url: `/api/repos/${repo.id}`, headers: sessionOf(user) })).statusCode,
    ).toBe(404);
    const revoked = await ctx.store.db
      .selectFrom('credentials')
      .select(['revoked_at', 'revoked_reason'])
      .where('id', 'in', [one.token.id, two.token.id])
      .execute();
    expect(revoked.every((r) => r.revoked_at !== null && r.revoked_reason === 'repo_deleted')).toBe(true);
    const events = (await ctx.app.inject({ url: '/api/account/audit-log', headers: sessionOf(user) })).json()
      .events;
    expect(events[0]).toMatchObject({ action: 'repo.disconnected', metadata: { revoked_tokens: 2 } });
    const stored = await storedAuditTargetTypes(ctx.store, 'automation_token.revoked', [
      one.token.id,
      two.token.id,
    ]);
    expect(stored).toEqual([{ target_type: 'automation_token' }, { target_type: 'automation_token' }]);
  });

  it('can be revoked one by one from the repository, idempotently', async () => {
    const { user, repo, agentId } = await setUp();
    const { token, secret } = await openGroup(user, repo.id, agentId);
    const url = `/api/repos/${repo.id}/automation-tokens/${token.id}`;
    expect((await ctx.app.inject({ method: 'DELETE', url, headers: sessionOf(user) })).statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/task-groups', headers: bearer(secret) })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'DELETE', url, headers: sessionOf(user) })).statusCode).toBe(204);
    const events = (await ctx.app.inject({ url: '/api/account/audit-log', headers: sessionOf(user) })).json()
      .events;
    expect(events.filter((e: { action: string }) => e.action === 'automation_token.revoked')).toHaveLength(1);
    const stored = await storedAuditTargetTypes(ctx.store, 'automation_token.revoked', [token.id]);
    expect(stored).toEqual([{ target_type: 'automation_token' }]);
  });
});

describe('other users', () => {
  it('see 404 for someone else’s repository, task group, task and automation token, and change nothing', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, token, secret } = await openGroup(user, repo.id, agentId);
    const task = (
      await ctx.app.inject({
        method: 'POST',
        url: `/api/task-groups/${group.id}/tasks`,
        headers: sessionOf(user),
        payload: { title: 'mine' },
      })
    ).json();
    const intruder = await signUp(ctx.app);
    const intruderAgent = await createAgent(intruder, 'public');
    for (const attempt of [
      { method: 'GET' as const, url: `/api/repos/${repo.id}` },
      { method: 'DELETE' as const, url: `/api/repos/${repo.id}` },
      { method: 'GET' as const, url: `/api/repos/${repo.id}/automation-tokens` },
      { method: 'DELETE' as const, url: `/api/repos/${repo.id}/automation-tokens/${token.id}` },
      {
        method: 'POST' as const,
        url: `/api/repos/${repo.id}/task-groups`,
        payload: { agent_id: intruderAgent, title: 'x' },
      },
      { method: 'GET' as const, url: `/api/task-groups?repo_id=${repo.id}` },
      { method: 'POST' as const, url: `/api/task-groups/${group.id}/close` },
      { method: 'POST' as const, url: `/api/task-groups/${group.id}/tasks`, payload: { title: 'x' } },
      { method: 'PATCH' as const, url: `/api/tasks/${task.id}`, payload: { status: 'failed' } },
    ]) {
      const response = await ctx.app.inject({ ...attempt, headers: sessionOf(intruder) });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    expect(
      (await ctx.app.inject({ url: '/api/task-groups', headers: sessionOf(intruder) })).json().task_groups,
    ).toEqual([]);
    expect((await ctx.app.inject({ url: '/api/task-groups', headers: bearer(secret) })).statusCode).toBe(200);
    const still = (
      await ctx.app.inject({ url: `/api/task-groups?repo_id=${repo.id}`, headers: sessionOf(user) })
    ).json();
    expect(still.task_groups[0]).toMatchObject({ id: group.id, status: 'open' });
  });

  it('deleting a user removes their repositories and groups and revokes their automation tokens', async () => {
    const { user, repo, agentId } = await setUp();
    const { secret } = await openGroup(user, repo.id, agentId);
    const deleted = await deleteAccount(ctx.app, user);
    expect(deleted.statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/task-groups', headers: bearer(secret) })).statusCode).toBe(401);
    const left = await ctx.store.db.selectFrom('repos').select('id').where('user_id', '=', user.id).execute();
    expect(left).toEqual([]);
  });
});
