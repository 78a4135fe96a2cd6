/**
 * The list's keyset cursor: the position (created_at, id) of the last agent on a page, so the
 * next page starts strictly after it in the order created_at desc, id desc. Opaque to clients.
 */
export interface AgentCursor {
  createdAt: Date;
  id: string;
}

const DECODED = /^(0|[1-9][0-9]{0,14}):([A-Za-z0-9_-]{1,100})$/;

export function encodeAgentCursor(position: AgentCursor): string {
  return Buffer.from(`${position.createdAt.getTime()}:${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not one this server wrote. */
export function decodeAgentCursor(cursor: string): AgentCursor | null {
  // Node's base64url decoder skips characters it does not know; insist on the canonical form.
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== cursor) return null;
  const match = DECODED.exec(decoded);
  if (!match) return null;
  const createdAt = new Date(Number(match[1]));
  if (Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id: match[2]! };
}
