import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { type AppPlugin, iso } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import type { AutomationTokenRow, CredentialService } from '../credentials/credentials.service.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import { tokenView } from '../tokens/tokens.service.ts';
import type { RepoRow, TaskRow } from './repos.repository.ts';
import {
  AutomationTokenList,
  AutomationTokenParams,
  ConnectRepoBody,
  CreateTaskBody,
  EnsuredTaskGroup,
  EnsureTaskGroupBody,
  ReissuedAutomationToken,
  Repo,
  RepoList,
  RepoParams,
  RepoTaskGroupParams,
  Task,
  TaskGroup,
  TaskGroupList,
  TaskGroupListQuery,
  TaskGroupParams,
  TaskList,
  TaskParams,
  UpdateTaskBody,
} from './repos.schemas.ts';
import type { RepoService } from './repos.service.ts';
import type { TaskGroupService, TaskGroupWithAgent } from './task-groups.service.ts';

export function repoView(row: RepoRow) {
  return {
    id: row.id,
    provider_account_id: row.provider_account_id,
    provider: row.provider,
    full_name: row.full_name,
    private: row.private,
    default_branch: row.default_branch,
    created_at: iso(row.created_at),
  };
}

export function taskGroupView(row: TaskGroupWithAgent) {
  return {
    id: row.id,
    repo_id: row.repo_id,
    agent_id: row.agent_id,
    agent_name: row.agent_name,
    title: row.title,
    status: row.status,
    created_at: iso(row.created_at),
    closed_at: iso(row.closed_at),
  };
}

export function taskView(row: TaskRow) {
  return {
    id: row.id,
    task_group_id: row.task_group_id,
    title: row.title,
    status: row.status,
    output: row.output,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export const repoRoutes: AppPlugin<{
  repoService: RepoService;
  taskGroupService: TaskGroupService;
  credentials: Pick<CredentialService, 'statusOf'>;
  clock: Clock;
}> = async (app, { repoService, taskGroupService, credentials, clock }) => {
  const automationTokenView = (row: AutomationTokenRow) => ({
    ...tokenView(row, credentials.statusOf(row), clock.now()),
    name: row.name ?? `task-group-${row.task_group_id}`,
    task_group_id: row.task_group_id,
    task_group_title: row.task_group_title,
    task_group_status: row.task_group_status,
  });

  const repoRoute = declareRoutes(['repos'], 'interactive');
  const owned = ownedResourceRoutes(app, repoRoute);
  // What a PAT or an automation token may read or change depends on the credential (its
  // repositories, its task group): these routes hand the services the whole identity.
  const repoReads = ownedResourceRoutes(app, declareRoutes(['repos'], 'repos:read'), requireIdentity);
  const taskGroupReads = ownedResourceRoutes(
    app,
    declareRoutes(['task-groups'], 'tasks:read'),
    requireIdentity,
  );
  const taskGroupWrite = declareRoutes(['task-groups'], 'tasks:write');
  const taskGroupWrites = ownedResourceRoutes(app, taskGroupWrite, requireIdentity);

  // --- Repositories ---------------------------------------------------------------------
  owned.create(
    '/api/repos',
    {
      summary: 'Connect a repository that one of your provider accounts can see',
      operationId: 'connectRepo',
      body: ConnectRepoBody,
      view: Repo,
      errors: [404, 409, 502],
    },
    async (userId, body, context) => repoView(await repoService.connectRepo(userId, body, context)),
  );

  repoReads.read(
    '/api/repos',
    {
      summary: 'List your connected repositories, newest first',
      operationId: 'listRepos',
      view: RepoList,
    },
    async (identity) => ({ repos: (await repoService.listRepos(identity)).map(repoView) }),
  );

  repoReads.get(
    '/api/repos/:id',
    {
      summary: 'One connected repository',
      operationId: 'getRepo',
      params: RepoParams,
      view: Repo,
    },
    async (id, identity) => repoView(await repoService.getRepo(identity, id)),
  );

  owned.delete(
    '/api/repos/:id',
    {
      summary: 'Disconnect a repository; every automation token of its task groups is revoked',
      operationId: 'deleteRepo',
      params: RepoParams,
      outcome: 'Disconnected',
    },
    (id, userId, context) => repoService.deleteRepo(userId, id, context),
  );

  // --- Automation tokens of a repository --------------------------------------------------
  owned.get(
    '/api/repos/:id/automation-tokens',
    {
      summary: "The repository's automation tokens (one per task group; never personal access tokens)",
      operationId: 'listAutomationTokens',
      params: RepoParams,
      view: AutomationTokenList,
    },
    async (id, userId) => ({
      tokens: (await repoService.listAutomationTokens(userId, id)).map(automationTokenView),
    }),
  );

  app.delete(
    '/api/repos/:id/automation-tokens/:token_id',
    repoRoute({
      summary: 'Revoke an automation token of the repository',
      operationId: 'revokeAutomationToken',
      params: AutomationTokenParams,
      response: { 204: Type.Null({ description: 'Revoked' }) },
    }),
    async (request, reply) => {
      await repoService.revokeAutomationToken(
        requireIdentity(request).userId,
        request.params.id,
        request.params.token_id,
        requestContext(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/repos/:id/task-groups/:group_id/automation-token',
    repoRoute({
      summary: 'Issue a new automation token for an open task group (the secret is shown once)',
      description:
        'For a group whose token was revoked or lost: the group continues with a new token. A live token of the group is revoked in the same transaction, so the group never has two. A closed group answers 409 `conflict`. Interactive only: a personal access or automation token cannot mint automation tokens.',
      operationId: 'reissueAutomationToken',
      params: RepoTaskGroupParams,
      response: { 201: ReissuedAutomationToken },
      errors: [409],
    }),
    async (request, reply) => {
      const reissued = await taskGroupService.reissueAutomationToken(
        requireIdentity(request).userId,
        request.params.id,
        request.params.group_id,
        requestContext(request),
      );
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ token: automationTokenView(reissued.token), secret: reissued.secret });
    },
  );

  // --- Task groups and tasks --------------------------------------------------------------
  app.post(
    '/api/repos/:id/task-groups',
    taskGroupWrite({
      summary:
        'Create a task group with its automation token, or find the open one with the same agent and title',
      description:
        'Answers 201 with the token secret when it creates the group, and 200 with the existing group and token (no secret) when an open group with the same agent and title exists. Automation tokens cannot create task groups.',
      operationId: 'ensureTaskGroup',
      params: RepoParams,
      body: EnsureTaskGroupBody,
      response: {
        200: EnsuredTaskGroup,
        201: EnsuredTaskGroup,
      },
    }),
    async (request, reply) => {
      const ensured = await taskGroupService.ensureTaskGroup(
        requireIdentity(request),
        request.params.id,
        request.body,
        requestContext(request),
      );
      if (ensured.secret) reply.header('cache-control', 'no-store');
      return reply.code(ensured.created ? 201 : 200).send({
        task_group: taskGroupView(ensured.group),
        automation_token: {
          token: tokenView(ensured.token, credentials.statusOf(ensured.token), clock.now()),
          ...(ensured.secret ? { secret: ensured.secret } : {}),
        },
      });
    },
  );

  taskGroupReads.read(
    '/api/task-groups',
    {
      summary: 'List task groups, optionally of one repository (an automation token sees its own group only)',
      operationId: 'listTaskGroups',
      querystring: TaskGroupListQuery,
      view: TaskGroupList,
      errors: [404],
    },
    async (identity, { repo_id }) => ({
      task_groups: (await taskGroupService.listTaskGroups(identity, repo_id)).map(taskGroupView),
    }),
  );

  taskGroupReads.get(
    '/api/task-groups/:id',
    {
      summary: 'One task group (an automation token: its own group only)',
      operationId: 'getTaskGroup',
      params: TaskGroupParams,
      view: TaskGroup,
    },
    async (id, identity) => taskGroupView(await taskGroupService.getTaskGroup(identity, id)),
  );

  taskGroupReads.get(
    '/api/task-groups/:id/tasks',
    {
      summary: "A task group's tasks, newest first (an automation token: its own group only)",
      operationId: 'listTasks',
      params: TaskGroupParams,
      view: TaskList,
    },
    async (id, identity) => ({ tasks: (await taskGroupService.listTasks(identity, id)).map(taskView) }),
  );

  taskGroupWrites.post(
    '/api/task-groups/:id/close',
    {
      summary: 'Close a task group; its automation token is revoked at once',
      operationId: 'closeTaskGroup',
      params: TaskGroupParams,
      view: TaskGroup,
    },
    async (id, identity, context) =>
      taskGroupView(await taskGroupService.closeTaskGroup(identity, id, context)),
  );

  taskGroupWrites.createIn(
    '/api/task-groups/:id/tasks',
    {
      summary: 'Add a task to an open task group (an automation token: its own group only)',
      operationId: 'createTask',
      params: TaskGroupParams,
      body: CreateTaskBody,
      view: Task,
      errors: [409],
    },
    async (id, identity, body) => taskView(await taskGroupService.createTask(identity, id, body)),
  );

  taskGroupWrites.patch(
    '/api/tasks/:id',
    {
      summary: "Report a task's status and output (an automation token: its own group's tasks only)",
      operationId: 'updateTask',
      params: TaskParams,
      body: UpdateTaskBody,
      view: Task,
    },
    async (id, identity, body) => taskView(await taskGroupService.updateTask(identity, id, body)),
  );
};
