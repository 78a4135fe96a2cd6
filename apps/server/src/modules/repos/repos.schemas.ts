import { Type } from 'typebox';
import { SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { ProviderNameSchema } from '../provider-accounts/provider-accounts.schemas.ts';
import { TokenView } from '../tokens/tokens.schemas.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const Repo = Type.Object(
  {
    id: Type.String(),
    provider_account_id: Type.String(),
    provider: ProviderNameSchema,
    full_name: Type.String({ description: 'As the provider spells it, e.g. `octo/hello-world`' }),
    private: Type.Boolean(),
    default_branch: Type.Union([Type.String(), Type.Null()], { description: 'Null for an empty repository' }),
    created_at: Timestamp,
  },
  { $id: 'Repo' },
);

export const RepoList = Type.Object({ repos: Type.Array(Repo) });

export const ConnectRepoBody = Type.Object(
  {
    provider_account_id: Id,
    full_name: Type.String({
      minLength: 3,
      maxLength: 1024,
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$',
      description: '`owner/name` (GitLab: `group/subgroup/name`)',
    }),
  },
  { additionalProperties: false },
);

export const RepoParams = Type.Object({ id: Id });
export const AutomationTokenParams = Type.Object({ id: Id, token_id: Id });
export const RepoTaskGroupParams = Type.Object({ id: Id, group_id: Id });

export const TaskGroup = Type.Object(
  {
    id: Type.String(),
    repo_id: Type.String(),
    agent_id: Type.Union([Type.String(), Type.Null()], { description: 'Null once the agent was deleted' }),
    agent_name: Type.Union([Type.String(), Type.Null()], {
      description:
        "The agent's name; null once the agent was deleted or when the caller may no longer see it (another user's agent made private)",
    }),
    title: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    created_at: Timestamp,
    closed_at: NullableTimestamp,
  },
  { $id: 'TaskGroup' },
);

const Title = SafeText({ maxLength: 200 });

export const EnsureTaskGroupBody = Type.Object(
  {
    agent_id: Id,
    title: Title,
  },
  { additionalProperties: false },
);

export const AutomationTokenView = Type.Object(
  {
    ...TokenView.properties,
    name: Type.String({
      description: '`task-group-<task group id>`: an automation token is named after its task group',
    }),
    task_group_id: Type.String({ description: 'The task group the token acts for' }),
    task_group_title: Type.String({ description: "The task group's title, shown beside the token's name" }),
    task_group_status: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      description:
        'An open group whose token was revoked can be given a new one (`POST /api/repos/{id}/task-groups/{group_id}/automation-token`) or closed',
    }),
  },
  { $id: 'AutomationTokenView' },
);

export const ReissuedAutomationToken = Type.Object(
  {
    token: AutomationTokenView,
    secret: Type.String({ description: 'The new automation token itself: shown in this answer only' }),
  },
  { $id: 'ReissuedAutomationToken' },
);

export const EnsuredTaskGroup = Type.Object({
  task_group: TaskGroup,
  automation_token: Type.Object({
    token: TokenView,
    secret: Type.Optional(
      Type.String({
        description:
          'The automation token itself: present only in the answer that created it (201), never again (200).',
      }),
    ),
  }),
});

export const TaskGroupList = Type.Object({ task_groups: Type.Array(TaskGroup) });
export const TaskGroupListQuery = Type.Object(
  { repo_id: Type.Optional(Id) },
  { additionalProperties: false },
);
export const TaskGroupParams = Type.Object({ id: Id });

export const TaskStatusSchema = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
]);

export const Task = Type.Object(
  {
    id: Type.String(),
    task_group_id: Type.String(),
    title: Type.String(),
    status: TaskStatusSchema,
    output: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Task' },
);

export const CreateTaskBody = Type.Object({ title: Title }, { additionalProperties: false });
export const UpdateTaskBody = Type.Object(
  {
    status: TaskStatusSchema,
    output: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export const TaskParams = Type.Object({ id: Id });
export const TaskList = Type.Object({ tasks: Type.Array(Task) });

export const AutomationTokenList = Type.Object({ tokens: Type.Array(AutomationTokenView) });
