/**
 * Whether an error means "the store cannot be reached right now" (PostgreSQL stopped, restarting,
 * out of connections, the network gone) rather than a bug or a bad statement. Such failures answer
 * 503 with Retry-After, never 500 and never a guess.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, read-only. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
  'the database system is shutting down',
  'the database system is starting up',
  // The store's files cannot be written (the embedded store's data folder remounted read-only):
  // PostgreSQL reports EROFS as insufficient_privilege (42501), so the message is the only sign.
  'Read-only file system',
];

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m))) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isStoreUnavailable(e, depth + 1)))
    return true;
  return isStoreUnavailable(error.cause, depth + 1);
}

/** disk_full: PostgreSQL (or the embedded store) could not extend a file. */
const FULL_SQLSTATES = new Set(['53100']);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const FULL_MESSAGES = ['No space left on device', 'Disk quota exceeded'];

/**
 * Whether an error means "the store has no room to record this" (SQLSTATE 53100, ENOSPC,
 * EDQUOT). The statement failed and its transaction rolled back, so nothing was recorded; reads
 * keep working and writes work again once there is room. Such failures answer 507, never 500.
 */
export function isStoreFull(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (FULL_SQLSTATES.has(code) || FULL_CODES.has(code))) return true;
  if (FULL_MESSAGES.some((m) => error.message.includes(m))) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isStoreFull(e, depth + 1))) return true;
  return isStoreFull(error.cause, depth + 1);
}
