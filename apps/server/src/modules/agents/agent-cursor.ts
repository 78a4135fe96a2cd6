import { type CursorCodec, cursorFields } from '../../platform/cursor-codec.ts';

/**
 * The list's keyset cursor: the position (created_at, id) of the last agent on a page, so the
 * next page starts strictly after it in the order created_at desc, id desc. Written and read by
 * the shared cursor codec (opaque, signed, range-checked).
 */
export interface AgentCursor {
  createdAt: Date;
  id: string;
}

export function defineAgentCursor(cursors: CursorCodec) {
  return cursors.define('agents', { createdAt: cursorFields.timestamp(), id: cursorFields.id() });
}
