/**
 * Unsaved form input kept across an expired session: the form writes its draft as the user types
 * (never a secret or a password), and after signing in again it is restored once, then dropped.
 * sessionStorage: this tab only, gone when the tab closes.
 */
const DRAFT_PREFIX = 'tessera.draft.';
const EXPIRED_FLAG = 'tessera.sessionExpired';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, value: unknown): void {
  try {
    storage()?.setItem(DRAFT_PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or blocked: nothing to restore later, nothing lost now.
  }
}

export function clearDraft(key: string): void {
  storage()?.removeItem(DRAFT_PREFIX + key);
}

/** The draft saved before the session expired, once; null on any ordinary visit. */
export function takeDraftAfterExpiry<T>(key: string): T | null {
  const store = storage();
  if (!store || !sessionExpiredMarked()) return null;
  store.removeItem(EXPIRED_FLAG);
  const text = store.getItem(DRAFT_PREFIX + key);
  store.removeItem(DRAFT_PREFIX + key);
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** A form left normally forgets its draft; one left because the session expired keeps it. */
export function clearDraftUnlessExpired(key: string): void {
  if (!sessionExpiredMarked()) clearDraft(key);
}

/** How long after the session expired a draft is still offered back. */
const RESTORE_WITHIN_MS = 30 * 60 * 1000;

export function markSessionExpired(): void {
  storage()?.setItem(EXPIRED_FLAG, String(Date.now()));
}

export function sessionExpiredMarked(): boolean {
  const at = Number(storage()?.getItem(EXPIRED_FLAG));
  return Number.isFinite(at) && at > 0 && Date.now() - at < RESTORE_WITHIN_MS;
}

export function clearSessionExpired(): void {
  storage()?.removeItem(EXPIRED_FLAG);
}
