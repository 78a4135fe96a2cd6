import { describe, expect, it } from 'vitest';
import type { TokenView } from '../../../lib/api-types.ts';
import { canHide, expiringSoon, expiryState, matchesFilter, sortTokens } from './token-expiry.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3600 * 1000).toISOString();

function token(over: Partial<TokenView>): TokenView {
  return {
    id: over.name ?? 'x',
    name: 'x',
    description: null,
    kind: 'personal',
    preview: 'tes_pat_Abcd…',
    scopes: ['agents:read'],
    created_at: hours(-100),
    expires_at: null,
    last_used_at: null,
    last_used_ip: null,
    revoked_at: null,
    status: 'active',
    old_secret_valid_until: null,
    on_rotated_out_use: 'notify',
    allow_self_rotation: false,
    repo_ids: null,
    allowed_cidrs: null,
    ...over,
  };
}

describe('token expiry', () => {
  it('tells apart no expiry, later, within 7 days, within a day and past', () => {
    expect(expiryState(token({}), NOW)).toBe('none');
    expect(expiryState(token({ expires_at: hours(24 * 8) }), NOW)).toBe('ok');
    expect(expiryState(token({ expires_at: hours(24 * 7) }), NOW)).toBe('soon');
    expect(expiryState(token({ expires_at: hours(24 * 7 + 0.1) }), NOW)).toBe('soon');
    expect(expiryState(token({ expires_at: hours(24 * 7 + 13) }), NOW)).toBe('ok');
    expect(expiryState(token({ expires_at: hours(24) }), NOW)).toBe('imminent');
    expect(expiryState(token({ expires_at: hours(1) }), NOW)).toBe('imminent');
    expect(expiryState(token({ expires_at: hours(-1) }), NOW)).toBe('expired');
    expect(expiryState(token({ status: 'expired', expires_at: hours(5) }), NOW)).toBe('expired');
  });

  it('filters by active, expiring soon, expired and revoked', () => {
    const list = [
      token({ name: 'later', expires_at: hours(24 * 30) }),
      token({ name: 'soon', expires_at: hours(30) }),
      token({ name: 'past', expires_at: hours(-30), status: 'expired' }),
      token({ name: 'gone', revoked_at: hours(-2), status: 'revoked' }),
    ];
    const names = (filter: Parameters<typeof matchesFilter>[1]) =>
      list.filter((t) => matchesFilter(t, filter, NOW)).map((t) => t.name);
    expect(names('all')).toEqual(['later', 'soon', 'past', 'gone']);
    expect(names('active')).toEqual(['later', 'soon']);
    expect(names('expiring')).toEqual(['soon']);
    expect(names('expired')).toEqual(['past']);
    expect(names('revoked')).toEqual(['gone']);
    expect(expiringSoon(list, NOW).map((t) => t.name)).toEqual(['soon']);
  });

  it('sorts by expiry with no expiry last, and by last use with never-used last', () => {
    const list = [
      token({ name: 'b', expires_at: null, last_used_at: hours(-1) }),
      token({ name: 'a', expires_at: hours(48), last_used_at: null }),
      token({ name: 'c', expires_at: hours(2), last_used_at: hours(-5) }),
    ];
    expect(sortTokens(list, 'expires', 'en').map((t) => t.name)).toEqual(['c', 'a', 'b']);
    expect(sortTokens(list, 'lastUsed', 'en').map((t) => t.name)).toEqual(['b', 'c', 'a']);
    expect(sortTokens(list, 'name', 'en').map((t) => t.name)).toEqual(['a', 'b', 'c']);
  });

  it('lets an inactive token be hidden only 30 days after it stopped working', () => {
    expect(canHide(token({ status: 'revoked', revoked_at: hours(-24 * 31) }), NOW)).toBe(true);
    expect(canHide(token({ status: 'revoked', revoked_at: hours(-24 * 29) }), NOW)).toBe(false);
    expect(canHide(token({ status: 'expired', expires_at: hours(-24 * 40) }), NOW)).toBe(true);
    expect(canHide(token({ expires_at: hours(24 * 40) }), NOW)).toBe(false);
  });
});
