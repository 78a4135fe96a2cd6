import { describe, expect, it } from 'vitest';
import { storedAuditActions } from '../../../test/fixtures/audit-rows.ts';
import { accessTokenFor, bearer, signUp, testClock, useTestApp } from '../../../test/harness.ts';

const DAY = 24 * 60 * 60 * 1000;
const clock = testClock();

const ctx = useTestApp({ clock });

async function kindsOf(userId: string) {
  const rows = await ctx.store.db
    .selectFrom('credentials')
    .select(['kind'])
    .where('user_id', '=', userId)
    .orderBy('kind')
    .execute();
  return rows.map((row) => row.kind);
}

describe('purging expired interactive credentials', () => {
  it('deletes sessions, access and refresh tokens a day past expiry, and keeps PATs and the audit log', async () => {
    const user = await signUp(ctx.app);
    await accessTokenFor(ctx.app, user);
    const pat = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie: user.cookie },
      payload: { name: 'short', scopes: ['profile:read'], expires_in_days: 7 },
    });
    expect(pat.statusCode).toBe(201);
    const auditBefore = await storedAuditActions(ctx.store, user.id);
    expect(await kindsOf(user.id)).toEqual(['access', 'personal', 'refresh', 'session']);

    // Still within the grace day after the access token's expiry: nothing goes.
    clock.advance(20 * 60 * 1000);
    await ctx.app.credentials.purgeExpiredInteractive();
    expect(await kindsOf(user.id)).toEqual(['access', 'personal', 'refresh', 'session']);

    // Two days on, the access token is past the grace; the 30-day session and refresh token are not.
    clock.advance(2 * DAY);
    expect(await ctx.app.credentials.purgeExpiredInteractive()).toBeGreaterThanOrEqual(1);
    expect(await kindsOf(user.id)).toEqual(['personal', 'refresh', 'session']);

    // Past every lifetime: only the expired PAT remains, refused, and the audit trail is intact.
    clock.advance(40 * DAY);
    await ctx.app.credentials.purgeExpiredInteractive();
    expect(await kindsOf(user.id)).toEqual(['personal']);
    expect(await storedAuditActions(ctx.store, user.id)).toEqual(auditBefore);
    expect((await ctx.app.inject({ url: '/api/me', headers: bearer(pat.json().secret) })).statusCode).toBe(
      401,
    );
    expect((await ctx.app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
  });
});
