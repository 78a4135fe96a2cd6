import type { Readable } from 'node:stream';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { isForeignKeyViolation } from '../../platform/database/postgres-errors.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { type AuditService, targetEvents } from '../audit/audit.service.ts';
import { FRAMEWORKS } from '../frameworks/frameworks.ts';
import type { AgentCursor } from './agent-cursor.ts';
import { type AgentFileStorage, displayFileName } from './agent-file-storage.ts';
import { type AgentCategory, type AgentVisibility, LIST_LIMIT_DEFAULT, uniqueTags } from './agent-rules.ts';
import type {
  AgentChanges,
  AgentFileRow,
  AgentFileSummary,
  AgentFilters,
  AgentRepository,
  AgentRow,
} from './agents.repository.ts';

export interface AgentInput {
  name: string;
  description: string;
  category: AgentCategory;
  framework?: string | null | undefined;
  tags: string[];
  visibility: AgentVisibility;
}

export type AgentPatch = Partial<AgentInput>;

export interface AgentListOptions extends AgentFilters {
  /** Start strictly after this position (a decoded `next_cursor`). */
  after?: AgentCursor | null | undefined;
  limit?: number | undefined;
}

export interface AgentWithFiles {
  agent: AgentRow;
  files: AgentFileSummary[];
}

export interface AgentUpload {
  /** The file name the client sent; only shown, never used as a path. */
  name: string | undefined;
  content: Readable;
}

const PATCHABLE = ['name', 'description', 'category', 'framework', 'tags', 'visibility'] as const;

// The same answer for "no such agent" and "someone else's agent" (docs/api.md §2).
const agentNotFound = () => new AppError('not_found', 'There is no such agent.');

/** 413 `storage_quota_exceeded`, saying how much is used and allowed (ASVS 5.0 2.4.1: resource limits). */
function quotaExceeded(usedBytes: number, quotaBytes: number, fileBytes?: number) {
  const file =
    fileBytes === undefined ? 'this file does not fit' : `this file (${fileBytes} bytes) does not fit`;
  return new AppError(
    'storage_quota_exceeded',
    `Your agents' files use ${usedBytes} of your ${quotaBytes}-byte storage quota; ${file}. Delete files or agents to make room.`,
  );
}

/** The schema already limits frameworks to the catalogue; this keeps the service safe on its own. */
function assertKnownFramework(framework: string | null | undefined) {
  if (framework !== undefined && framework !== null && !FRAMEWORKS.has(framework)) {
    throw new AppError('invalid_request', 'Unknown framework.', {
      errors: [{ path: 'body.framework', message: 'must be an id from GET /api/frameworks' }],
    });
  }
}

export function createAgentService(deps: {
  db: Db;
  agents: AgentRepository;
  storage: AgentFileStorage;
  audit: AuditService;
  clock: Clock;
  /** All of one owner's agent files together may not exceed this many bytes. */
  quotaBytes: number;
  /** Told about files that could not be removed from disk after their agent was deleted. */
  onStorageError?: (error: unknown) => void;
}) {
  const { db, agents, storage, audit, clock } = deps;
  /** Every event here is about one of the owner's agents. */
  const recordAgentEvent = targetEvents(audit, 'agent');

  async function withFiles(rows: AgentRow[]): Promise<AgentWithFiles[]> {
    const files = await agents.listFilesForAgents(rows.map((row) => row.id));
    return rows.map((agent) => ({ agent, files: files.filter((file) => file.agent_id === agent.id) }));
  }

  return {
    async createAgent(ownerId: string, input: AgentInput, context: RequestContext): Promise<AgentWithFiles> {
      assertKnownFramework(input.framework);
      const now = clock.now();
      return inTransaction(db, async (tx) => {
        const agent = await agents.insertAgent(
          {
            id: newId('agt'),
            owner_id: ownerId,
            name: input.name,
            description: input.description,
            category: input.category,
            framework: input.framework ?? null,
            tags: uniqueTags(input.tags),
            visibility: input.visibility,
            created_at: now,
            updated_at: now,
          },
          tx,
        );
        await recordAgentEvent(tx, context, ownerId, agent.id, 'agent.created', {
          name: agent.name,
          visibility: agent.visibility,
        });
        return { agent, files: [] };
      });
    },

    /** Public agents and the viewer's own, newest first, a page at a time. */
    async listAgents(viewerId: string, query: AgentListOptions) {
      const after = query.after ?? null;
      const limit = query.limit ?? LIST_LIMIT_DEFAULT;
      const q = query.q?.trim();
      const rows = await agents.listAgentsVisibleTo(
        viewerId,
        { q: q || undefined, category: query.category, tag: query.tag, mine: query.mine },
        after,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        agents: await withFiles(page),
        /** Where the next page starts; null on the last page. */
        nextAfter: rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null,
      };
    },

    /** Agent id → name, for the agents among `ids` the viewer may see (others are left out). */
    async agentNamesVisibleTo(viewerId: string, ids: string[]): Promise<Map<string, string>> {
      const rows = await agents.listAgentNamesVisibleTo(viewerId, ids);
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    async getAgent(viewerId: string, id: string): Promise<AgentWithFiles> {
      const found = await agents.findAgentWithFilesVisibleTo(id, viewerId);
      if (!found) throw agentNotFound();
      return found;
    },

    /** Changes only the members given; only the owner may. */
    async updateAgent(
      ownerId: string,
      id: string,
      patch: AgentPatch,
      context: RequestContext,
    ): Promise<AgentWithFiles> {
      assertKnownFramework(patch.framework);
      // Picked one by one: nothing but these members can reach the UPDATE.
      const changes: AgentChanges = { updated_at: clock.now() };
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.category !== undefined) changes.category = patch.category;
      if (patch.framework !== undefined) changes.framework = patch.framework;
      if (patch.tags !== undefined) changes.tags = uniqueTags(patch.tags);
      if (patch.visibility !== undefined) changes.visibility = patch.visibility;
      const fields = PATCHABLE.filter((field) => patch[field] !== undefined);
      return inTransaction(db, async (tx) => {
        const agent = await agents.updateAgentForOwner(id, ownerId, changes, tx);
        if (!agent) throw agentNotFound();
        await recordAgentEvent(tx, context, ownerId, agent.id, 'agent.updated', { fields });
        return { agent, files: await agents.listFilesForAgents([agent.id], tx) };
      });
    },

    /**
     * For account deletion: the cascade removes the rows, this removes the files once the
     * deletion has committed (a rolled-back deletion keeps them).
     */
    async removeFilesOfOwnerAfterCommit(tx: Tx, ownerId: string): Promise<void> {
      const agentIds = await agents.listAgentIdsOfOwner(ownerId, tx);
      tx.afterCommit(() => {
        for (const agentId of agentIds) {
          storage.removeAgentFiles(agentId).catch((error: unknown) => deps.onStorageError?.(error));
        }
      });
    },

    /** Deletes the agent, its file rows and then its files on disk; only the owner may. */
    async deleteAgent(ownerId: string, id: string, context: RequestContext): Promise<void> {
      await inTransaction(db, async (tx) => {
        const agent = await agents.deleteAgentForOwner(id, ownerId, tx);
        if (!agent) throw agentNotFound();
        await recordAgentEvent(tx, context, ownerId, agent.id, 'agent.deleted', { name: agent.name });
      });
      // After COMMIT: a failed delete must not lose files, and a failed unlink must not undo a delete.
      await storage.removeAgentFiles(id).catch((error: unknown) => deps.onStorageError?.(error));
    },

    /**
     * Stores one uploaded file for the owner's agent. The content streams to a staging file while
     * it is hashed; the file row, the audit event and the move into the agent's folder happen in
     * one transaction that holds the agent's row lock, and anything that fails removes the file
     * again. An agent deleted at any point meanwhile answers 404 and keeps nothing (issue #18).
     * `beforeCommit` lets the caller refuse after the content arrived (e.g. a second file part).
     */
    async uploadAgentFile(
      ownerId: string,
      id: string,
      upload: AgentUpload,
      context: RequestContext,
      options: { beforeCommit?: () => Promise<void> } = {},
    ): Promise<AgentFileRow> {
      // Refuse before anything reaches the disk; no transaction is held while the content streams in.
      if (!(await agents.findAgentForOwner(id, ownerId))) throw agentNotFound();
      const usedBefore = await agents.sumFileSizesOfOwner(ownerId);
      if (usedBefore >= deps.quotaBytes) throw quotaExceeded(usedBefore, deps.quotaBytes);
      // Stops reading once the content cannot fit; the check under the lock below is the one that counts.
      const received = await storage.receive(id, upload.content, {
        bytes: deps.quotaBytes - usedBefore,
        error: () => quotaExceeded(usedBefore, deps.quotaBytes),
      });
      const fileId = newId('fil');
      try {
        await options.beforeCommit?.();
        return await inTransaction(db, async (tx) => {
          // Locked, so the agent cannot be deleted between this insert and the move into its folder
          // (the deletion removes the folder only after its own COMMIT, which waits for ours).
          const agent = await agents.findAgentForOwner(id, ownerId, tx, { lock: true });
          if (!agent) throw agentNotFound();
          await agents.lockOwnerStorage(ownerId, tx);
          const used = await agents.sumFileSizesOfOwner(ownerId, tx);
          if (used + received.size > deps.quotaBytes)
            throw quotaExceeded(used, deps.quotaBytes, received.size);
          const now = clock.now();
          const file = await agents.insertAgentFile(
            {
              id: fileId,
              agent_id: agent.id,
              name: displayFileName(upload.name),
              size: received.size,
              sha256: received.sha256,
              created_at: now,
            },
            tx,
          );
          await agents.touchAgent(agent.id, now, tx);
          await recordAgentEvent(tx, context, ownerId, agent.id, 'agent.file_uploaded', {
            file_id: file.id,
            name: file.name,
            size: file.size,
            sha256: file.sha256,
          });
          await storage.keep(received, fileId);
          return file;
        });
      } catch (error) {
        await storage.discard(received, fileId);
        // The row lock makes this unreachable today; should the agent still vanish under the
        // insert, that is the same answer as deleted-before-the-lock, not a 500.
        if (isForeignKeyViolation(error)) throw agentNotFound();
        throw error;
      }
    },
  };
}

export type AgentService = ReturnType<typeof createAgentService>;
