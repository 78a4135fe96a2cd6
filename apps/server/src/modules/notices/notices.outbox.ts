import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { newId } from '../../platform/ids.ts';
import type { DB } from '../../schema.ts';
import type { NoticeKind, NoticeSubjectType } from './notice-kinds.ts';

export interface NoticeInput {
  userId: string;
  kind: NoticeKind;
  /** What the notice is about: a token, a provider account…; its name and preview for the message. */
  subject?: {
    type: NoticeSubjectType;
    id: string;
    /** A display name (a token's name); never a secret. */
    name?: string | null;
    /** A token's preview (`tes_pat_Ab3x…`); never more. */
    preview?: string | null;
  };
  /** Names, ids, times, counts only: never a secret. Reaches e-mail, webhooks and the API as is. */
  data?: Record<string, unknown>;
  /** Events that must exist once (the expiry scan): a second insert with the same key is a no-op. */
  dedupeKey?: string;
  /** When it happened, from the caller's clock (tests move it). */
  at: Date;
}

/** Wakes this process's delivery workers after a commit that added events (others poll). */
export const noticeSignals = new EventEmitter();
noticeSignals.setMaxListeners(0);

/**
 * Adds a notice to the outbox. Call it with the transaction of the change it reports, so that
 * the notice and the change commit or roll back together (ADR 0033); the delivery worker sends it
 * after COMMIT. Returns the notice id, or null when `dedupeKey` was already used.
 */
export async function enqueueNotice(executor: Kysely<DB>, notice: NoticeInput): Promise<string | null> {
  const id = newId('ntc');
  const data = {
    ...(notice.subject?.name != null ? { name: notice.subject.name } : {}),
    ...(notice.subject?.preview != null ? { preview: notice.subject.preview } : {}),
    ...notice.data,
  };
  const inserted = await executor
    .insertInto('notice_events')
    .values({
      id,
      user_id: notice.userId,
      kind: notice.kind,
      subject_type: notice.subject?.type ?? null,
      subject_id: notice.subject?.id ?? null,
      data: JSON.stringify(data),
      dedupe_key: notice.dedupeKey ?? null,
      // Milliseconds (a JS date), so that list cursors, which carry milliseconds, are exact.
      created_at: notice.at,
    })
    .onConflict((conflict) => conflict.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  const wake = () => noticeSignals.emit('enqueued');
  if ('afterCommit' in executor && typeof executor.afterCommit === 'function') {
    (executor as unknown as { afterCommit(callback: () => void): void }).afterCommit(wake);
  } else if (!executor.isTransaction) {
    wake();
  }
  return inserted.id;
}
