import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import {
  AUTOMATION_TOKEN,
  connectRepo,
  createTaskAgent,
  insertSecondAutomationToken,
  openTaskGroup,
  signUpWithGitHub,
  useAppWithFakeGitHub,
} from '../../../test/fixtures/repos.ts';
import { accessTokenFor, bearer, sessionOf, signUp, type TestUser } from '../../../test/harness.ts';
import { RESOURCE_SCOPES } from '../credentials/scopes.ts';

/**
 * Issue #11 item 6 / ADR 0024: automation tokens named after their task group, listed with the
 * group's title, and a group that outlives a revoked token (issue a new token, or close it).
 */

const ctx = useAppWithFakeGitHub();

interface Listed {
  id: string;
  name: string;
  task_group_id: string;
  task_group_title: string;
  task_group_status: string;
  scopes: string[];
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
  status: string;
}

async function setUp() {
  const { user, login, providerAccountId } = await signUpWithGitHub(ctx);
  const connect = (fullName: string) => connectRepo(ctx.app, sessionOf(user), providerAccountId, fullName);
  const repo = (await connect(`${login}/alpha`)).json() as { id: string };
  const otherRepo = (await connect(`${login}/beta`)).json() as { id: string };
  const agentId = await createAgent(user, 'Fixer bot');
  return { user, repo, otherRepo, agentId };
}

const createAgent = (user: TestUser, name: string, visibility: 'public' | 'private' = 'private') =>
  createTaskAgent(ctx.app, sessionOf(user), { name, visibility });

const openGroup = (user: TestUser, repoId: string, agentId: string, title?: string) =>
  openTaskGroup(ctx.app, sessionOf(user), repoId, agentId, title);

async function listTokens(user: TestUser, repoId: string): Promise<Listed[]> {
  const response = await ctx.app.inject({
    url: `/api/repos/${repoId}/automation-tokens`,
    headers: sessionOf(user),
  });
  expect(response.statusCode).toBe(200);
  return response.json().tokens;
}

function reissue(headers: Record<string, string>, repoId: string, groupId: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/repos/${repoId}/task-groups/${groupId}/automation-token`,
    headers,
  });
}

function revoke(user: TestUser, repoId: string, tokenId: string) {
  return ctx.app.inject({
    method: 'DELETE',
    url: `/api/repos/${repoId}/automation-tokens/${tokenId}`,
    headers: sessionOf(user),
  });
}

async function works(secret: string): Promise<boolean> {
  return (await ctx.app.inject({ url: '/api/tokens/self', headers: bearer(secret) })).statusCode === 200;
}

describe('automation tokens are named after their task group', () => {
  it('lists name, task group title, scope, expiry (none), created and last used', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, secret } = await openGroup(user, repo.id, agentId, 'Fix the flaky tests');
    const [token] = await listTokens(user, repo.id);
    expect(token).toMatchObject({
      name: `task-group-${group.id}`,
      task_group_id: group.id,
      task_group_title: 'Fix the flaky tests',
      task_group_status: 'open',
      scopes: ['tasks:write'],
      expires_at: null,
      last_used_at: null,
      status: 'active',
    });
    expect(Date.parse(token!.created_at)).not.toBeNaN();

    // The token's own view carries the same name.
    const self = await ctx.app.inject({ url: '/api/tokens/self', headers: bearer(secret) });
    expect(self.json().name).toBe(`task-group-${group.id}`);

    await ctx.app.credentials.lastUsed.flush();
    const [used] = await listTokens(user, repo.id);
    expect(used!.last_used_at).not.toBeNull();
  });

  it('lists task groups with their agent’s name, and a group with its tasks', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, secret } = await openGroup(user, repo.id, agentId, 'Upgrade deps');
    for (const title of ['first', 'second']) {
      const task = await ctx.app.inject({
        method: 'POST',
        url: `/api/task-groups/${group.id}/tasks`,
        headers: bearer(secret),
        payload: { title },
      });
      expect(task.statusCode).toBe(201);
    }
    const groups = await ctx.app.inject({
      url: `/api/task-groups?repo_id=${repo.id}`,
      headers: sessionOf(user),
    });
    expect(groups.json().task_groups).toEqual([
      expect.objectContaining({ id: group.id, agent_id: agentId, agent_name: 'Fixer bot', status: 'open' }),
    ]);
    const one = await ctx.app.inject({ url: `/api/task-groups/${group.id}`, headers: sessionOf(user) });
    expect(one.json()).toMatchObject({ id: group.id, title: 'Upgrade deps', agent_name: 'Fixer bot' });
    const tasks = await ctx.app.inject({
      url: `/api/task-groups/${group.id}/tasks`,
      headers: sessionOf(user),
    });
    expect(tasks.statusCode).toBe(200);
    expect(tasks.json().tasks.map((t: { title: string }) => t.title)).toEqual(['second', 'first']);
    // The automation token reads its own group's tasks too.
    const own = await ctx.app.inject({ url: `/api/task-groups/${group.id}/tasks`, headers: bearer(secret) });
    expect(own.json().tasks).toHaveLength(2);
  });

  it('hides the name of someone else’s agent once it is made private', async () => {
    const { user, repo } = await setUp();
    const stranger = await signUp(ctx.app);
    const theirs = await createAgent(stranger, 'Secret project', 'public');
    const { group } = await openGroup(user, repo.id, theirs);
    const before = await ctx.app.inject({ url: `/api/task-groups/${group.id}`, headers: sessionOf(user) });
    expect(before.json().agent_name).toBe('Secret project');
    const hidden = await ctx.app.inject({
      method: 'PUT',
      url: `/api/agents/${theirs}`,
      headers: sessionOf(stranger),
      payload: { visibility: 'private' },
    });
    expect(hidden.statusCode).toBe(200);
    const after = await ctx.app.inject({
      url: `/api/task-groups?repo_id=${repo.id}`,
      headers: sessionOf(user),
    });
    expect(after.json().task_groups[0]).toMatchObject({ agent_id: theirs, agent_name: null });
  });
});

describe('a group continues after its token is revoked', () => {
  it('issues a new token once revoked: shown once, working, listed beside the revoked one', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, token, secret } = await openGroup(user, repo.id, agentId, 'Nightly');
    expect((await revoke(user, repo.id, token.id)).statusCode).toBe(204);
    expect(await works(secret)).toBe(false);

    const response = await reissue(sessionOf(user), repo.id, group.id);
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.secret).toMatch(AUTOMATION_TOKEN);
    expect(body.token).toMatchObject({
      name: `task-group-${group.id}`,
      task_group_id: group.id,
      task_group_title: 'Nightly',
      scopes: ['tasks:write'],
      expires_at: null,
      status: 'active',
    });
    expect(body.token.id).not.toBe(token.id);

    // The new secret works in the group, the old one stays revoked.
    const task = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/tasks`,
      headers: bearer(body.secret),
      payload: { title: 'after re-issue' },
    });
    expect(task.statusCode).toBe(201);
    expect(await works(secret)).toBe(false);

    const listed = await listTokens(user, repo.id);
    expect(listed.map((t) => [t.id, t.status])).toEqual([
      [body.token.id, 'active'],
      [token.id, 'revoked'],
    ]);
    expect(JSON.stringify(listed)).not.toContain(body.secret);

    // Ensuring the same group again finds it with its current (new) token, without a secret.
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/repos/${repo.id}/task-groups`,
      headers: sessionOf(user),
      payload: { agent_id: agentId, title: 'Nightly' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().automation_token.token.id).toBe(body.token.id);
    expect(again.json().automation_token).not.toHaveProperty('secret');
  });

  it('revokes a still-live token when issuing a new one, and records both in the audit log', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, token, secret } = await openGroup(user, repo.id, agentId);
    const response = await reissue(sessionOf(user), repo.id, group.id);
    expect(response.statusCode).toBe(201);
    expect(await works(secret)).toBe(false);
    expect(await works(response.json().secret)).toBe(true);

    const events = (await ctx.app.inject({ url: '/api/account/audit-log', headers: sessionOf(user) })).json()
      .events as Array<{
      action: string;
      target_id: string;
      metadata: Record<string, unknown>;
    }>;
    expect(
      events.find((e) => e.action === 'automation_token.revoked' && e.target_id === token.id)?.metadata,
    ).toMatchObject({ reason: 'reissued', task_group_id: group.id });
    expect(
      events.find((e) => e.action === 'automation_token.created' && e.target_id === response.json().token.id)
        ?.metadata,
    ).toMatchObject({ task_group_id: group.id, reissued_from: token.id });
    const stored = await ctx.store.db
      .selectFrom('audit_events')
      .select('target_type')
      .where('action', 'in', ['automation_token.revoked', 'automation_token.created'])
      .where('target_id', 'in', [token.id, response.json().token.id])
      .execute();
    expect(stored.map((r) => r.target_type)).toEqual(stored.map(() => 'automation_token'));
    expect(stored).toHaveLength(3);
    const row = await ctx.store.db
      .selectFrom('credentials')
      .select(['revoked_reason', 'rotated_from_id'])
      .where('id', 'in', [token.id, response.json().token.id])
      .orderBy('created_at')
      .execute();
    expect(row).toEqual([
      { revoked_reason: 'reissued', rotated_from_id: null },
      { revoked_reason: null, rotated_from_id: token.id },
    ]);
  });

  it('leaves exactly one live token when two re-issues race', async () => {
    const { user, repo, agentId } = await setUp();
    const { group } = await openGroup(user, repo.id, agentId);
    const [a, b] = await Promise.all([
      reissue(sessionOf(user), repo.id, group.id),
      reissue(sessionOf(user), repo.id, group.id),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const live = (await listTokens(user, repo.id)).filter((t) => t.status === 'active');
    expect(live).toHaveLength(1);
    expect([await works(a.json().secret), await works(b.json().secret)].filter(Boolean)).toHaveLength(1);
  });

  // The index covers live tokens only: a group's revoked tokens stay beside its one live token.
  it.each([
    ['its first token', false],
    ['a re-issued token', true],
  ])(
    'lets the store refuse a second live token beside %s (a unique index, not a check)',
    async (_, reissued) => {
      const { user, repo, agentId } = await setUp();
      const { group } = await openGroup(user, repo.id, agentId);
      if (reissued) expect((await reissue(sessionOf(user), repo.id, group.id)).statusCode).toBe(201);
      await expect(insertSecondAutomationToken(ctx.store, user.id, group.id)).rejects.toMatchObject({
        code: '23505',
      });
    },
  );

  it('closing the group revokes its token, and a closed group gets no new one (409)', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, token } = await openGroup(user, repo.id, agentId);
    await revoke(user, repo.id, token.id);
    const second = (await reissue(sessionOf(user), repo.id, group.id)).json();
    const closed = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: sessionOf(user),
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', agent_name: 'Fixer bot' });
    expect(await works(second.secret)).toBe(false);
    const listed = await listTokens(user, repo.id);
    expect(listed.every((t) => t.status === 'revoked' && t.task_group_status === 'closed')).toBe(true);

    const refused = await reissue(sessionOf(user), repo.id, group.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('conflict');
    expect(await listTokens(user, repo.id)).toHaveLength(2);
  });
});

describe('who may issue a new token', () => {
  it('answers 404 for another user’s repository or group, and for a group of another repository', async () => {
    const { user, repo, otherRepo, agentId } = await setUp();
    const { group } = await openGroup(user, repo.id, agentId);
    const stranger = await setUp();
    const strangerGroup = await openGroup(stranger.user, stranger.repo.id, stranger.agentId);

    for (const [repoId, groupId] of [
      [stranger.repo.id, strangerGroup.group.id],
      [repo.id, strangerGroup.group.id],
      [stranger.repo.id, group.id],
      [otherRepo.id, group.id],
    ] as const) {
      const response = await reissue(sessionOf(user), repoId, groupId);
      expect(response.statusCode, `${repoId} ${groupId}`).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
    expect(await works(strangerGroup.secret)).toBe(true);
    for (const path of [
      `/api/task-groups/${strangerGroup.group.id}`,
      `/api/task-groups/${strangerGroup.group.id}/tasks`,
    ]) {
      expect((await ctx.app.inject({ url: path, headers: sessionOf(user) })).statusCode).toBe(404);
    }
    const close = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${strangerGroup.group.id}/close`,
      headers: sessionOf(user),
    });
    expect(close.statusCode).toBe(404);
    expect(await works(strangerGroup.secret)).toBe(true);
  });

  it('refuses PATs and automation tokens (interactive only), and access tokens without `account`', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, secret } = await openGroup(user, repo.id, agentId);
    const pat = (await createPat(ctx.app, user, { scopes: [...RESOURCE_SCOPES], expires_in_days: 7 })).secret;
    for (const credential of [pat, secret]) {
      const response = await reissue(bearer(credential), repo.id, group.id);
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
    const scoped = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: {
        grant_type: 'password',
        username: user.email,
        password: user.password,
        scope: 'repos:write tasks:write',
      },
    });
    expect(scoped.statusCode).toBe(200);
    const narrow = await reissue(bearer(scoped.json().access_token), repo.id, group.id);
    expect(narrow.statusCode).toBe(403);
    expect(narrow.json().code).toBe('insufficient_scope');
    // An interactive access token holding `account` may (the CLI's login).
    const full = await accessTokenFor(ctx.app, user);
    expect((await reissue(bearer(full.access_token), repo.id, group.id)).statusCode).toBe(201);
    // The group's original token was live and is now revoked; nothing else changed hands.
    expect(await works(secret)).toBe(false);
  });

  it('closing stays a tasks:write operation: a PAT without it gets 403, its own token may close', async () => {
    const { user, repo, agentId } = await setUp();
    const { group, secret } = await openGroup(user, repo.id, agentId);
    const readOnly = (await createPat(ctx.app, user, { scopes: ['tasks:read'], expires_in_days: 7 })).secret;
    const refused = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: bearer(readOnly),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('insufficient_scope');
    const closed = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${group.id}/close`,
      headers: bearer(secret),
    });
    expect(closed.statusCode).toBe(200);
    expect(await works(secret)).toBe(false);
    // Closed, the group's tasks can still be read by its owner.
    expect(
      (await ctx.app.inject({ url: `/api/task-groups/${group.id}/tasks`, headers: sessionOf(user) }))
        .statusCode,
    ).toBe(200);
  });
});
