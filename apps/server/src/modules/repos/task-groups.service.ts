import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { TaskStatus } from '../../schema.ts';
import type { AgentService } from '../agents/agents.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type {
  AutomationTokenRow,
  CredentialRow,
  CredentialService,
} from '../credentials/credentials.service.ts';
import { mayUseRepo, type RepoActor, repoLimitOf } from '../credentials/identity.ts';
import { automationSubject } from '../notices/notice-subjects.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import { recordAutomationTokenRevoked } from './automation-token-events.ts';
import type { RepoRepository, TaskGroupRow, TaskRow } from './repos.repository.ts';
import { repoNotFound } from './repos.service.ts';

/**
 * Who is asking: an automation token is confined to its own task group, a PAT limited to some
 * repositories to their task groups (ADR 0031).
 */
export type Actor = RepoActor;

export const AUTOMATION_SCOPES = ['tasks:write'];

/** docs/api.md §4: an automation token is named after its task group (the title is shown beside it). */
export const automationTokenName = (taskGroupId: string) => `task-group-${taskGroupId}`;

/** A task group as the lists show it: with the name of its agent when the viewer may see that agent. */
export type TaskGroupWithAgent = TaskGroupRow & { agent_name: string | null };

const taskGroupNotFound = () => new AppError('not_found', 'There is no such task group.');
const taskNotFound = () => new AppError('not_found', 'There is no such task.');

/** Thrown inside the ensure transaction when a concurrent request won a race; the caller retries. */
class LostRace extends Error {}

export interface EnsuredTaskGroup {
  created: boolean;
  group: TaskGroupWithAgent;
  token: CredentialRow;
  /** Only when this call created the token: it is shown once. */
  secret?: string;
}

export function createTaskGroupService(deps: {
  db: Db;
  repos: RepoRepository;
  agents: Pick<AgentService, 'getAgent' | 'agentNamesVisibleTo'>;
  credentials: Pick<
    CredentialService,
    'issueCredential' | 'revokeCredentials' | 'findAutomationTokenOfGroup'
  >;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, repos, agents, credentials, audit, clock } = deps;

  /** The group, if the actor may act on it: its owner's, and for an automation token its own. */
  async function findGroupFor(actor: Actor, id: string, executor?: Db, lock = false): Promise<TaskGroupRow> {
    if (actor.kind === 'automation' && actor.taskGroupId !== id) throw taskGroupNotFound();
    const group = await repos.findTaskGroupForOwner(id, actor.userId, executor, { lock });
    if (!group || !mayUseRepo(actor, group.repo_id)) throw taskGroupNotFound();
    return group;
  }

  async function withAgentNames(userId: string, groups: TaskGroupRow[]): Promise<TaskGroupWithAgent[]> {
    const ids = [...new Set(groups.flatMap((g) => (g.agent_id ? [g.agent_id] : [])))];
    const names = ids.length > 0 ? await agents.agentNamesVisibleTo(userId, ids) : new Map<string, string>();
    return groups.map((g) => ({ ...g, agent_name: g.agent_id ? (names.get(g.agent_id) ?? null) : null }));
  }
  async function withAgentName(userId: string, group: TaskGroupRow): Promise<TaskGroupWithAgent> {
    const names = group.agent_id ? await agents.agentNamesVisibleTo(userId, [group.agent_id]) : undefined;
    return { ...group, agent_name: group.agent_id ? (names?.get(group.agent_id) ?? null) : null };
  }

  return {
    /**
     * Creates a task group and its automation token, or finds the open group with the same agent
     * and title and returns its token without the secret. Concurrent calls converge on one group
     * and one token: the store's unique indexes decide, not a prior read.
     */
    async ensureTaskGroup(
      actor: Actor,
      repoId: string,
      input: { agent_id: string; title: string },
      context: RequestContext,
    ): Promise<EnsuredTaskGroup> {
      // An automation token works inside its own group; it cannot open new ones.
      if (actor.kind === 'automation' || !mayUseRepo(actor, repoId)) throw repoNotFound();
      const repo = await repos.findRepoForOwner(repoId, actor.userId);
      if (!repo) throw repoNotFound();
      const agent = await agents.getAgent(actor.userId, input.agent_id);
      const title = input.title.trim();

      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(db, async (tx) => {
            const now = clock.now();
            const opened = await repos.openTaskGroup(
              {
                id: newId('tg'),
                repo_id: repo.id,
                user_id: actor.userId,
                agent_id: input.agent_id,
                title,
                status: 'open',
                created_at: now,
                closed_at: null,
              },
              tx,
            );
            // The other group was closed between our insert and our read: start over.
            if (!opened) throw new LostRace();
            const group = { ...opened.group, agent_name: agent.agent.name };
            const existing = await credentials.findAutomationTokenOfGroup(tx, group.id);
            if (existing) return { created: false, group, token: existing };

            const issued = await credentials.issueCredential(tx, {
              userId: actor.userId,
              kind: 'automation',
              scopes: AUTOMATION_SCOPES,
              expiresAt: null,
              name: automationTokenName(group.id),
              taskGroupId: group.id,
            });
            if (opened.inserted) {
              await audit.record(tx, context, {
                userId: actor.userId,
                action: 'task_group.created',
                targetType: 'task_group',
                targetId: group.id,
                metadata: { repo_id: repo.id, agent_id: input.agent_id, title },
              });
            }
            await audit.record(tx, context, {
              userId: actor.userId,
              action: 'automation_token.created',
              targetType: 'automation_token',
              targetId: issued.credential.id,
              metadata: { task_group_id: group.id, repo_id: repo.id, scopes: AUTOMATION_SCOPES },
            });
            await enqueueNotice(tx, {
              userId: actor.userId,
              kind: 'automation_token.issued',
              subject: automationSubject(issued.credential),
              data: { task_group_id: group.id, repo_id: repo.id, repo: repo.full_name },
              at: clock.now(),
            });
            return { created: true, group, token: issued.credential, secret: issued.token };
          });
        } catch (error) {
          if (attempt < 3 && (error instanceof LostRace || isUniqueViolation(error))) continue;
          // The repository or the agent was deleted while we were creating the group.
          if (isForeignKeyViolation(error)) {
            throw new AppError('not_found', 'The repository or the agent no longer exists.');
          }
          throw error;
        }
      }
    },

    async listTaskGroups(actor: Actor, repoId: string | undefined): Promise<TaskGroupWithAgent[]> {
      if (actor.kind === 'automation') {
        // Its own group only, whatever else the user has (none for a token issued without one).
        if (actor.taskGroupId === null) return [];
        return withAgentNames(
          actor.userId,
          await repos.listTaskGroupsForOwner(actor.userId, { id: actor.taskGroupId, repoId }),
        );
      }
      if (repoId && (!mayUseRepo(actor, repoId) || !(await repos.findRepoForOwner(repoId, actor.userId))))
        throw repoNotFound();
      return withAgentNames(
        actor.userId,
        await repos.listTaskGroupsForOwner(actor.userId, { repoId, repoIds: repoLimitOf(actor) }),
      );
    },

    async getTaskGroup(actor: Actor, id: string): Promise<TaskGroupWithAgent> {
      return withAgentName(actor.userId, await findGroupFor(actor, id));
    },

    /** The group's tasks, newest first. */
    async listTasks(actor: Actor, groupId: string): Promise<TaskRow[]> {
      const group = await findGroupFor(actor, groupId);
      return repos.listTasksOfGroup(group.id, actor.userId);
    },

    /**
     * Gives an open task group a new automation token (ADR 0024), shown once. A live token of the
     * group is revoked in the same transaction, so a group never has two working tokens. Only the
     * repository's owner, interactively, may do this (the route says so).
     */
    async reissueAutomationToken(
      userId: string,
      repoId: string,
      groupId: string,
      context: RequestContext,
    ): Promise<{ token: AutomationTokenRow; secret: string }> {
      return inTransaction(db, async (tx) => {
        // Locked: a concurrent close or re-issue waits, then sees what this one did.
        const group = await repos.findTaskGroupForOwner(groupId, userId, tx, { lock: true });
        if (!group || group.repo_id !== repoId) throw taskGroupNotFound();
        if (group.status !== 'open') {
          throw new AppError(
            'conflict',
            'The task group is closed; a closed group gets no new token (open a new group instead).',
          );
        }
        const previous = await credentials.findAutomationTokenOfGroup(tx, group.id);
        const revoked = await credentials.revokeCredentials(
          tx,
          { userId, taskGroupId: group.id, kinds: ['automation'] },
          'reissued',
        );
        const issued = await credentials.issueCredential(tx, {
          userId,
          kind: 'automation',
          scopes: AUTOMATION_SCOPES,
          expiresAt: null,
          name: automationTokenName(group.id),
          taskGroupId: group.id,
          rotatedFromId: previous?.id ?? null,
        });
        for (const token of revoked) {
          await recordAutomationTokenRevoked(audit, tx, context, userId, token, {
            reason: 'reissued',
            by: 'reissued',
            where: { repo_id: repoId, task_group_id: group.id },
            at: clock.now(),
          });
        }
        await enqueueNotice(tx, {
          userId,
          kind: 'automation_token.issued',
          subject: automationSubject(issued.credential),
          data: { task_group_id: group.id, repo_id: repoId, reissued_from: previous?.id ?? null },
          at: clock.now(),
        });
        await audit.record(tx, context, {
          userId,
          action: 'automation_token.created',
          targetType: 'automation_token',
          targetId: issued.credential.id,
          metadata: {
            task_group_id: group.id,
            repo_id: repoId,
            scopes: AUTOMATION_SCOPES,
            reissued_from: previous?.id ?? null,
          },
        });
        return {
          token: {
            ...issued.credential,
            task_group_id: group.id,
            task_group_title: group.title,
            task_group_status: group.status,
          },
          secret: issued.token,
        };
      });
    },

    /** Closes a group and revokes its automation token in the same transaction. Idempotent. */
    async closeTaskGroup(actor: Actor, id: string, context: RequestContext): Promise<TaskGroupWithAgent> {
      const group = await inTransaction(db, async (tx) => {
        const group = await findGroupFor(actor, id, tx, true);
        if (group.status === 'closed') return group;
        // Locked and open (above), so the update finds it; the throw only guards the type.
        const closed = await repos.closeTaskGroup(id, clock.now(), tx);
        if (!closed) throw taskGroupNotFound();
        const revoked = await credentials.revokeCredentials(
          tx,
          { userId: actor.userId, taskGroupId: id, kinds: ['automation'] },
          'task_group_closed',
        );
        await audit.record(tx, context, {
          userId: actor.userId,
          action: 'task_group.closed',
          targetType: 'task_group',
          targetId: id,
          metadata: { repo_id: group.repo_id, revoked_tokens: revoked.map((r) => r.id) },
        });
        for (const token of revoked) {
          await recordAutomationTokenRevoked(audit, tx, context, actor.userId, token, {
            reason: 'task_group_closed',
            by: 'task_group_closed',
            where: { task_group_id: id },
            at: clock.now(),
          });
        }
        return closed;
      });
      return withAgentName(actor.userId, group);
    },

    async createTask(actor: Actor, groupId: string, input: { title: string }): Promise<TaskRow> {
      return inTransaction(db, async (tx) => {
        // Locked so that a close cannot slip in between the check and the insert.
        const group = await findGroupFor(actor, groupId, tx, true);
        if (group.status !== 'open') throw new AppError('conflict', 'The task group is closed.');
        const now = clock.now();
        return repos.insertTask(
          {
            id: newId('task'),
            task_group_id: group.id,
            user_id: actor.userId,
            title: input.title.trim(),
            status: 'queued',
            output: null,
            created_at: now,
            updated_at: now,
          },
          tx,
        );
      });
    },

    async updateTask(
      actor: Actor,
      id: string,
      input: { status: TaskStatus; output?: string | null },
    ): Promise<TaskRow> {
      const task = await repos.findTaskForOwner(id, actor.userId);
      if (
        !task ||
        (actor.kind === 'automation' && task.task_group_id !== actor.taskGroupId) ||
        !mayUseRepo(actor, task.repo_id)
      )
        throw taskNotFound();
      const updated = await repos.updateTask(id, actor.userId, {
        status: input.status,
        ...(input.output !== undefined ? { output: input.output } : {}),
        updated_at: clock.now(),
      });
      if (!updated) throw taskNotFound();
      return updated;
    },
  };
}

export type TaskGroupService = ReturnType<typeof createTaskGroupService>;
