import { describe, expect, it } from 'vitest';
import {
  connectRepo,
  createTaskAgent,
  ensureTaskGroup,
  signUpWithGitHub,
  useAppWithFakeGitHub,
} from '../../../test/fixtures/repos.ts';
import { bearer, type TestUser } from '../../../test/harness.ts';
import { RESOURCE_SCOPES } from '../credentials/scopes.ts';

// Issue #16 item 7 (ADR 0031): a PAT limited to chosen repositories, tried from every side.

const ctx = useAppWithFakeGitHub();

const as = (user: TestUser) => ({ cookie: user.cookie });

/** A user with two connected repositories (alpha, beta), an agent and an open task group in each. */
async function setUp() {
  const { user, login, providerAccountId } = await signUpWithGitHub(ctx);
  const connect = async (name: string) => {
    const response = await connectRepo(ctx.app, as(user), providerAccountId, `${login}/${name}`);
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const alpha = await connect('alpha');
  const beta = await connect('beta');
  const agentId = await createTaskAgent(ctx.app, as(user));
  const group = async (repoId: string) => {
    const created = await ensureTaskGroup(ctx.app, as(user), repoId, agentId, `work ${Math.random()}`);
    expect(created.statusCode).toBe(201);
    const groupId = created.json().task_group.id as string;
    const task = await ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${groupId}/tasks`,
      headers: as(user),
      payload: { title: 'step' },
    });
    expect(task.statusCode).toBe(201);
    return { groupId, taskId: task.json().id as string };
  };
  return { user, alpha, beta, agentId, alphaGroup: await group(alpha), betaGroup: await group(beta) };
}

async function createPat(user: TestUser, payload: Record<string, unknown>) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: as(user),
    payload: { name: `pat ${Math.random()}`, expires_in_days: 7, ...payload },
  });
}

describe('a PAT limited to chosen repositories', () => {
  it('sees and acts on its repositories only: every other one is 404, and lists leave it out', async () => {
    const { user, alpha, beta, agentId, alphaGroup, betaGroup } = await setUp();
    const created = await createPat(user, {
      scopes: ['repos:read', 'tasks:write'],
      repo_ids: [alpha],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().token.repo_ids).toEqual([alpha]);
    const pat = bearer(created.json().secret);

    const list = await ctx.app.inject({ url: '/api/repos', headers: pat });
    expect(list.json().repos.map((r: { id: string }) => r.id)).toEqual([alpha]);
    expect((await ctx.app.inject({ url: `/api/repos/${alpha}`, headers: pat })).statusCode).toBe(200);
    const outside = await ctx.app.inject({ url: `/api/repos/${beta}`, headers: pat });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe('not_found');

    const groups = await ctx.app.inject({ url: '/api/task-groups', headers: pat });
    expect(groups.json().task_groups.map((g: { id: string }) => g.id)).toEqual([alphaGroup.groupId]);
    expect((await ctx.app.inject({ url: `/api/task-groups?repo_id=${beta}`, headers: pat })).statusCode).toBe(
      404,
    );
    expect(
      (await ctx.app.inject({ url: `/api/task-groups?repo_id=${alpha}`, headers: pat })).statusCode,
    ).toBe(200);

    for (const path of ['', '/tasks']) {
      expect(
        (await ctx.app.inject({ url: `/api/task-groups/${betaGroup.groupId}${path}`, headers: pat }))
          .statusCode,
      ).toBe(404);
      expect(
        (await ctx.app.inject({ url: `/api/task-groups/${alphaGroup.groupId}${path}`, headers: pat }))
          .statusCode,
      ).toBe(200);
    }

    const ensure = (repoId: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/repos/${repoId}/task-groups`,
        headers: pat,
        payload: { agent_id: agentId, title: 'mine' },
      });
    expect((await ensure(beta)).statusCode).toBe(404);
    expect((await ensure(alpha)).statusCode).toBe(201);

    const addTask = (groupId: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/task-groups/${groupId}/tasks`,
        headers: pat,
        payload: { title: 't' },
      });
    expect((await addTask(betaGroup.groupId)).statusCode).toBe(404);
    expect((await addTask(alphaGroup.groupId)).statusCode).toBe(201);

    const report = (taskId: string) =>
      ctx.app.inject({
        method: 'PATCH',
        url: `/api/tasks/${taskId}`,
        headers: pat,
        payload: { status: 'running' },
      });
    expect((await report(betaGroup.taskId)).statusCode).toBe(404);
    expect((await report(alphaGroup.taskId)).statusCode).toBe(200);

    const close = (groupId: string) =>
      ctx.app.inject({ method: 'POST', url: `/api/task-groups/${groupId}/close`, headers: pat });
    expect((await close(betaGroup.groupId)).statusCode).toBe(404);
    // The session still sees beta's group open: the PAT changed nothing there.
    const all = await ctx.app.inject({ url: `/api/task-groups?repo_id=${beta}`, headers: as(user) });
    expect(all.json().task_groups[0].status).toBe('open');
    expect((await close(alphaGroup.groupId)).statusCode).toBe(200);
  });

  it('binds a changed list at once, although the verification was cached', async () => {
    const { user, alpha, beta } = await setUp();
    const created = await createPat(user, { scopes: ['repos:read'], repo_ids: [alpha] });
    const pat = bearer(created.json().secret);
    expect((await ctx.app.inject({ url: `/api/repos/${alpha}`, headers: pat })).statusCode).toBe(200);
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${created.json().token.id}`,
      headers: as(user),
      payload: { repo_ids: [beta] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().repo_ids).toEqual([beta]);
    expect((await ctx.app.inject({ url: `/api/repos/${alpha}`, headers: pat })).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: `/api/repos/${beta}`, headers: pat })).statusCode).toBe(200);
    // null lifts the restriction.
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${created.json().token.id}`,
      headers: as(user),
      payload: { repo_ids: null },
    });
    const list = await ctx.app.inject({ url: '/api/repos', headers: pat });
    expect(list.json().repos).toHaveLength(2);
    const audit = await ctx.app.inject({ url: '/api/account/audit-log', headers: as(user) });
    expect(
      audit.json().events.filter((e: { action: string }) => e.action === 'token.repositories_changed'),
    ).toHaveLength(2);
  });

  it('refuses repository ids that are not the owner’s, and a list on a token without repos or tasks scopes', async () => {
    const { user, alpha } = await setUp();
    const other = await setUp();
    const foreign = await createPat(user, { scopes: ['repos:read'], repo_ids: [alpha, other.alpha] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors).toEqual([{ path: 'body.repo_ids.1', message: 'no such repository' }]);
    const agentsOnly = await createPat(user, { scopes: ['agents:read'], repo_ids: [alpha] });
    expect(agentsOnly.statusCode).toBe(422);
    expect((await createPat(user, { scopes: ['repos:read'], repo_ids: [] })).statusCode).toBe(400);
  });

  it('leaves an unrestricted PAT and the web session every repository', async () => {
    const { user } = await setUp();
    const created = await createPat(user, { scopes: ['repos:read'] });
    expect(created.json().token.repo_ids).toBeNull();
    const list = await ctx.app.inject({ url: '/api/repos', headers: bearer(created.json().secret) });
    expect(list.json().repos).toHaveLength(2);
  });
});

/**
 * Every route that a repos:* or tasks:* scope opens, as the app registers it (`app.apiRoutes`):
 * a new one fails here until it says how to call it, and then must answer 404 for a repository
 * outside the token's list (and leave it out of lists) while working for one inside it.
 */
type Objects = { repo: string; group: string; task: string };
type Sample = { body?: (ids: Objects & { agentId: string }) => unknown; list?: string; order?: number };
const SCOPED_ROUTE_SAMPLES: Record<string, Sample> = {
  'GET /api/repos': { list: 'repos' },
  'GET /api/repos/:id': {},
  'POST /api/repos/:id/task-groups': { body: ({ agentId }) => ({ agent_id: agentId, title: 'probe' }) },
  'GET /api/task-groups': { list: 'task_groups' },
  'GET /api/task-groups/:id': {},
  'GET /api/task-groups/:id/tasks': {},
  'POST /api/task-groups/:id/tasks': { body: () => ({ title: 'probe' }) },
  'PATCH /api/tasks/:id': { body: () => ({ status: 'running' }) },
  // Last: the group is closed afterwards.
  'POST /api/task-groups/:id/close': { order: 1 },
};

function concreteUrl(url: string, ids: Objects): string {
  const filled = url
    .replace(/^\/api\/repos\/:id/, `/api/repos/${ids.repo}`)
    .replace(/^\/api\/task-groups\/:id/, `/api/task-groups/${ids.group}`)
    .replace(/^\/api\/tasks\/:id/, `/api/tasks/${ids.task}`);
  if (filled.includes(':')) throw new Error(`${url}: say which object each parameter names`);
  return filled;
}

describe('a PAT limited to chosen repositories, on every repository and task-group route', () => {
  it('is 404 outside its list on each route the app registers for repos:* and tasks:*, and works inside it', async () => {
    const scoped = ctx.app.apiRoutes.filter((r) => /^(repos|tasks):/.test(r.auth));
    const keys = scoped.map((r) => `${r.method} ${r.url}`);
    // Complete both ways: no scoped route without a sample, no sample for a route that is gone.
    expect(keys.filter((k) => !(k in SCOPED_ROUTE_SAMPLES))).toEqual([]);
    expect(Object.keys(SCOPED_ROUTE_SAMPLES).filter((k) => !keys.includes(k))).toEqual([]);

    const { user, alpha, beta, agentId, alphaGroup, betaGroup } = await setUp();
    const created = await createPat(user, {
      scopes: RESOURCE_SCOPES.filter((s) => /^(repos|tasks):/.test(s)),
      repo_ids: [alpha],
    });
    expect(created.statusCode, created.body).toBe(201);
    const pat = bearer(created.json().secret);
    const inside = { repo: alpha, group: alphaGroup.groupId, task: alphaGroup.taskId };
    const outside = { repo: beta, group: betaGroup.groupId, task: betaGroup.taskId };
    const call = (route: (typeof scoped)[number], ids: Objects) => {
      const sample = SCOPED_ROUTE_SAMPLES[`${route.method} ${route.url}`]!;
      const body = sample.body?.({ ...ids, agentId });
      return ctx.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route.url, ids),
        headers: pat,
        ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
      });
    };
    const ordered = [...scoped].sort(
      (a, b) =>
        (SCOPED_ROUTE_SAMPLES[`${a.method} ${a.url}`]!.order ?? 0) -
        (SCOPED_ROUTE_SAMPLES[`${b.method} ${b.url}`]!.order ?? 0),
    );

    const betaState = async () => ({
      group: (
        await ctx.app.inject({ url: `/api/task-groups/${betaGroup.groupId}`, headers: as(user) })
      ).json(),
      tasks: (
        await ctx.app.inject({ url: `/api/task-groups/${betaGroup.groupId}/tasks`, headers: as(user) })
      ).json(),
      groups: (await ctx.app.inject({ url: `/api/task-groups?repo_id=${beta}`, headers: as(user) })).json(),
    });
    const before = await betaState();
    expect(before.tasks.tasks).toHaveLength(1);

    for (const route of ordered) {
      const name = `${route.method} ${route.url}`;
      const list = SCOPED_ROUTE_SAMPLES[name]!.list;
      if (list) {
        const response = await call(route, outside);
        expect(response.statusCode, name).toBe(200);
        const text = JSON.stringify(response.json()[list]);
        expect(text, name).not.toContain(beta);
        expect(text, name).not.toContain(betaGroup.groupId);
        expect(text, name).toContain(alpha);
        continue;
      }
      const refused = await call(route, outside);
      expect(refused.statusCode, `${name} outside`).toBe(404);
      expect(refused.json().code, `${name} outside`).toBe('not_found');
      // The same call inside the list works: the 404 above is the restriction, not the request.
      const allowed = await call(route, inside);
      expect(allowed.statusCode, `${name} inside: ${allowed.body}`).toBeLessThan(300);
    }

    // Nothing happened to the other repository: its group and tasks are as they were.
    expect(await betaState()).toEqual(before);
  });
});
