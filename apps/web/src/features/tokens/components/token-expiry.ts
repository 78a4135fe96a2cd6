import type { TokenView } from '../../../lib/api-types.ts';

const DAY = 24 * 3600 * 1000;
export const EXPIRING_SOON_DAYS = 7;
/** Inactive tokens may be hidden from the list once they have been inactive this long. */
export const HIDE_AFTER_DAYS = 30;

export type ExpiryState = 'none' | 'ok' | 'soon' | 'imminent' | 'expired';

/** How close a token is to its expiry: within a day, within 7 days, later, never, or past. */
export function expiryState(token: Pick<TokenView, 'expires_at' | 'status'>, now: Date): ExpiryState {
  if (token.status === 'expired') return 'expired';
  if (!token.expires_at) return 'none';
  const left = new Date(token.expires_at).getTime() - now.getTime();
  if (left <= 0) return 'expired';
  if (left <= DAY) return 'imminent';
  // In whole days, as the list says it ("in 7 days" is within 7 days, a minute either way).
  if (Math.round(left / DAY) <= EXPIRING_SOON_DAYS) return 'soon';
  return 'ok';
}

export function isActive(token: TokenView, now: Date): boolean {
  return token.status === 'active' && expiryState(token, now) !== 'expired';
}

export type TokenFilter = 'all' | 'active' | 'expiring' | 'expired' | 'revoked';
export const TOKEN_FILTERS: TokenFilter[] = ['all', 'active', 'expiring', 'expired', 'revoked'];

export function matchesFilter(token: TokenView, filter: TokenFilter, now: Date): boolean {
  const state = expiryState(token, now);
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      return isActive(token, now);
    case 'expiring':
      return isActive(token, now) && (state === 'soon' || state === 'imminent');
    case 'expired':
      return token.status !== 'revoked' && state === 'expired';
    case 'revoked':
      return token.status === 'revoked';
  }
}

export type TokenSort = 'created' | 'expires' | 'name' | 'lastUsed';
export const TOKEN_SORTS: TokenSort[] = ['created', 'expires', 'name', 'lastUsed'];

const time = (value: string | null, missing: number) => (value ? new Date(value).getTime() : missing);

/** Newest first; soonest expiry first (no expiry last); by name; most recently used first. */
export function sortTokens(tokens: TokenView[], sort: TokenSort, locale: string): TokenView[] {
  const copy = [...tokens];
  switch (sort) {
    case 'created':
      return copy.sort((a, b) => time(b.created_at, 0) - time(a.created_at, 0));
    case 'expires':
      return copy.sort((a, b) => time(a.expires_at, Infinity) - time(b.expires_at, Infinity));
    case 'name':
      return copy.sort((a, b) => a.name.localeCompare(b.name, locale));
    case 'lastUsed':
      return copy.sort((a, b) => time(b.last_used_at, -Infinity) - time(a.last_used_at, -Infinity));
  }
}

/** When a token stopped working: its revocation, else its expiry. */
export function inactiveSince(token: TokenView): Date | null {
  const at = token.revoked_at ?? token.expires_at;
  return at ? new Date(at) : null;
}

export function canHide(token: TokenView, now: Date): boolean {
  const since = inactiveSince(token);
  return since !== null && !isActive(token, now) && now.getTime() - since.getTime() >= HIDE_AFTER_DAYS * DAY;
}

/** Active tokens that expire within 7 days, soonest first (for the account-wide notice). */
export function expiringSoon(tokens: TokenView[], now: Date): TokenView[] {
  return sortTokens(
    tokens.filter((token) => isActive(token, now) && ['soon', 'imminent'].includes(expiryState(token, now))),
    'expires',
    'en',
  );
}
