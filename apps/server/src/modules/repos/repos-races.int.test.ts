import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceContext as context, expectNotFound, type Gate, gate } from '../../../test/fixtures/races.ts';
import {
  connectRepo,
  createTaskAgent,
  deleteProviderAccount,
  ensureTaskGroup,
  signUpWithGitHub,
  useAppWithFakeGitHub,
} from '../../../test/fixtures/repos.ts';
import type { TestUser } from '../../../test/harness.ts';
import { createAgentFileStorage } from '../agents/agent-file-storage.ts';
import { createAgentRepository } from '../agents/agents.repository.ts';
import { createAgentService } from '../agents/agents.service.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { createRepoRepository, type RepoRepository } from './repos.repository.ts';
import { createTaskGroupService } from './task-groups.service.ts';

/**
 * "Check, then write" paths racing the deletion or closing of what they checked (issue #18).
 * Each interleaving is driven explicitly: a gate in a step (or in the fake provider) holds one
 * request while the other runs, so the outcome never depends on scheduling.
 */

let uploadDir: string;

// Registered before the app: the folder exists when it starts and is removed after it closes.
beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-repo-races-'));
});
afterAll(async () => {
  await rm(uploadDir, { recursive: true, force: true });
});

const ctx = useAppWithFakeGitHub(() => ({ PROVIDER_TIMEOUT_MS: '10000', AGENT_UPLOAD_DIR: uploadDir }));

const as = (user: TestUser) => ({ cookie: user.cookie });

async function setUp() {
  const owner = await signUpWithGitHub(ctx, (login) => [
    { full_name: `${login}/alpha`, private: true, default_branch: 'main' },
  ]);
  return { ...owner, agentId: await createTaskAgent(ctx.app, as(owner.user)) };
}

const connect = (user: TestUser, providerAccountId: string, fullName: string) =>
  connectRepo(ctx.app, as(user), providerAccountId, fullName);

async function setUpWithRepo() {
  const base = await setUp();
  const repo = await connect(base.user, base.providerAccountId, `${base.login}/alpha`);
  expect(repo.statusCode).toBe(201);
  return { ...base, repoId: repo.json().id as string };
}

/** A task-group service over the app's store whose repository and agent steps the test can hold. */
function taskGroupsWith(options: {
  afterAgentCheck?: Gate;
  repos?: (repos: RepoRepository) => RepoRepository;
}) {
  const agentService = createAgentService({
    db: ctx.store.db,
    agents: createAgentRepository(ctx.store.db, ctx.store.prepare),
    storage: createAgentFileStorage({ root: uploadDir, maxBytes: 1024 }),
    audit: createAuditService({
      audit: createAuditRepository(ctx.store.db),
      clock: { now: () => new Date() },
    }),
    clock: { now: () => new Date() },
    quotaBytes: Number.MAX_SAFE_INTEGER,
  });
  const repos = createRepoRepository(ctx.store.db);
  return createTaskGroupService({
    db: ctx.store.db,
    repos: options.repos ? options.repos(repos) : repos,
    agents: {
      async getAgent(viewerId: string, id: string) {
        const found = await agentService.getAgent(viewerId, id);
        await options.afterAgentCheck?.pass();
        return found;
      },
      agentNamesVisibleTo: agentService.agentNamesVisibleTo,
    },
    credentials: ctx.app.credentials,
    audit: createAuditService({
      audit: createAuditRepository(ctx.store.db),
      clock: { now: () => new Date() },
    }),
    clock: { now: () => new Date() },
  });
}

/** The repository with `held` passed before its step `step` runs. */
function holdingBefore(step: 'closeTaskGroup' | 'insertTask', held: Gate) {
  return (repos: RepoRepository): RepoRepository => {
    const original = repos[step] as (...args: unknown[]) => Promise<never>;
    return {
      ...repos,
      async [step](...args: unknown[]) {
        await held.pass();
        return original(...args);
      },
    };
  };
}

/** Starts the service's opening of a task group, as the user signed in. */
function startEnsure(
  service: ReturnType<typeof taskGroupsWith>,
  user: TestUser,
  repoId: string,
  agentId: string,
  title: string,
) {
  return service.ensureTaskGroup(
    { userId: user.id, kind: 'session' },
    repoId,
    { agent_id: agentId, title },
    context,
  );
}

/** The ids of the stored rows of `table` whose `column` is `value`: what a lost race must not leave behind. */
function storedIds(
  table: 'repos' | 'task_groups' | 'tasks',
  column: 'user_id' | 'repo_id' | 'task_group_id',
  value: string,
) {
  return ctx.store.db.selectFrom(table).select('id').where(column, '=', value).execute();
}

/** A task group of the user's, open, through the API. */
async function openGroupId(user: TestUser, repoId: string, agentId: string, title: string) {
  return (await ensureTaskGroup(ctx.app, as(user), repoId, agentId, title)).json().task_group.id as string;
}

describe('connecting a repository while its provider account is deleted', () => {
  it('answers 404 not_found (not 500) when the account is deleted while the provider is asked', async () => {
    const { user, login, providerAccountId } = await setUp();
    const held = ctx.github.holdNext();
    const connecting = connect(user, providerAccountId, `${login}/alpha`);
    await held.reached;
    const removed = await deleteProviderAccount(ctx.app, as(user), providerAccountId);
    expect(removed.statusCode).toBe(204);
    held.release();
    const answer = await connecting;
    expect(answer.statusCode).toBe(404);
    expect(answer.json().code).toBe('not_found');
    expect(await storedIds('repos', 'user_id', user.id)).toEqual([]);
  });

  it('refuses the deletion with 409 once the repository is connected, and keeps both', async () => {
    const { user, providerAccountId, repoId } = await setUpWithRepo();
    const removed = await deleteProviderAccount(ctx.app, as(user), providerAccountId);
    expect(removed.statusCode).toBe(409);
    const repo = await ctx.app.inject({ method: 'GET', url: `/api/repos/${repoId}`, headers: as(user) });
    expect(repo.statusCode).toBe(200);
  });
});

describe('opening a task group while its repository is disconnected', () => {
  it('answers not_found and creates no group or token when the repository goes after the check', async () => {
    const { user, repoId, agentId } = await setUpWithRepo();
    const afterAgentCheck = gate();
    const service = taskGroupsWith({ afterAgentCheck });
    const ensuring = startEnsure(service, user, repoId, agentId, 'late');
    await afterAgentCheck.reached;
    const removed = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/repos/${repoId}`,
      headers: as(user),
    });
    expect(removed.statusCode).toBe(204);
    afterAgentCheck.open();
    await expectNotFound(ensuring);
    expect(await storedIds('task_groups', 'repo_id', repoId)).toEqual([]);
    const tokens = await ctx.store.db
      .selectFrom('credentials')
      .select('id')
      .where('user_id', '=', user.id)
      .where('kind', '=', 'automation')
      .execute();
    expect(tokens).toEqual([]);
  });

  it('lets a group being created finish first; the disconnection then revokes its new token', async () => {
    const { user, repoId, agentId } = await setUpWithRepo();
    const inserting = gate();
    const service = taskGroupsWith({
      repos: (repos) => ({
        ...repos,
        async openTaskGroup(...args: Parameters<RepoRepository['openTaskGroup']>) {
          const opened = await repos.openTaskGroup(...args);
          await inserting.pass();
          return opened;
        },
      }),
    });
    const ensuring = startEnsure(service, user, repoId, agentId, 'first');
    await inserting.reached;
    // Waits for the group's transaction (a row lock on PostgreSQL, the connection on PGlite).
    const removing = ctx.app.inject({ method: 'DELETE', url: `/api/repos/${repoId}`, headers: as(user) });
    inserting.open();
    const ensured = await ensuring;
    expect(ensured.created).toBe(true);
    expect((await removing).statusCode).toBe(204);
    const token = await ctx.store.db
      .selectFrom('credentials')
      .select(['revoked_at'])
      .where('id', '=', ensured.token.id)
      .executeTakeFirst();
    // Either revoked, or gone with its repository: never a live token for a disconnected repository.
    expect(token === undefined || token.revoked_at !== null).toBe(true);
  });
});

describe('adding a task while its group closes', () => {
  it('refuses the task with 409 when the close holds the group first', async () => {
    const { user, repoId, agentId } = await setUpWithRepo();
    const groupId = await openGroupId(user, repoId, agentId, 'closing');
    const closing = gate();
    const service = taskGroupsWith({ repos: holdingBefore('closeTaskGroup', closing) });
    const close = service.closeTaskGroup({ userId: user.id, kind: 'session' }, groupId, context);
    await closing.reached;
    const adding = ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${groupId}/tasks`,
      headers: as(user),
      payload: { title: 'too late' },
    });
    closing.open();
    expect((await close).status).toBe('closed');
    const added = await adding;
    expect(added.statusCode).toBe(409);
    expect(await storedIds('tasks', 'task_group_id', groupId)).toEqual([]);
  });

  it('lets a task being added finish first; the close then succeeds', async () => {
    const { user, repoId, agentId } = await setUpWithRepo();
    const groupId = await openGroupId(user, repoId, agentId, 'adding');
    const inserting = gate();
    const service = taskGroupsWith({ repos: holdingBefore('insertTask', inserting) });
    const adding = service.createTask({ userId: user.id, kind: 'session' }, groupId, {
      title: 'just in time',
    });
    await inserting.reached;
    const closing = ctx.app.inject({
      method: 'POST',
      url: `/api/task-groups/${groupId}/close`,
      headers: as(user),
    });
    inserting.open();
    expect((await adding).task_group_id).toBe(groupId);
    expect((await closing).statusCode).toBe(200);
    const group = await ctx.store.db
      .selectFrom('task_groups')
      .select('status')
      .where('id', '=', groupId)
      .executeTakeFirst();
    expect(group?.status).toBe('closed');
  });
});
