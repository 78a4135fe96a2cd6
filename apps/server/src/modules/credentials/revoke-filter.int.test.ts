import { describe, expect, it } from 'vitest';
import { bearer, createPat, signUp } from '../../../test/fixtures/index.ts';
import { useTestApp } from '../../../test/harness.ts';
import { inTransaction } from '../../platform/database/transaction.ts';

const ctx = useTestApp();

async function stillWorks(secret: string): Promise<boolean> {
  const response = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) });
  return response.statusCode === 200;
}

describe('revokeCredentials needs ids or a user (an empty filter must not mean everyone)', () => {
  it('is refused by the type checker and at run time, and revokes nothing', async () => {
    const [alice, bob] = [await signUp(ctx.app), await signUp(ctx.app)];
    const [pat1, pat2] = [await createPat(ctx.app, alice), await createPat(ctx.app, bob)];
    const { credentials } = ctx.app;

    await expect(
      inTransaction(ctx.store.db, (tx) =>
        // @ts-expect-error: neither ids nor userId
        credentials.revokeCredentials(tx, { kinds: ['personal'] }, 'everyone'),
      ),
    ).rejects.toThrow('revokeCredentials needs ids or a userId');
    await expect(
      inTransaction(ctx.store.db, (tx) =>
        // @ts-expect-error: a family alone does not say whose
        credentials.revokeCredentials(tx, { familyId: 'fam_x' }, 'everyone'),
      ),
    ).rejects.toThrow('revokeCredentials needs ids or a userId');
    // An empty user id names nobody: refused too, not read as "no user filter".
    await expect(
      inTransaction(ctx.store.db, (tx) => credentials.revokeCredentials(tx, { userId: '' }, 'everyone')),
    ).rejects.toThrow('revokeCredentials needs ids or a userId');

    expect(await stillWorks(pat1.secret)).toBe(true);
    expect(await stillWorks(pat2.secret)).toBe(true);

    // Named by user, it takes that user's credentials only.
    const revoked = await inTransaction(ctx.store.db, (tx) =>
      credentials.revokeCredentials(tx, { userId: alice.id, kinds: ['personal'] }, 'test'),
    );
    expect(revoked.map((r) => r.id)).toEqual([pat1.token.id]);
    expect(await stillWorks(pat1.secret)).toBe(false);
    expect(await stillWorks(pat2.secret)).toBe(true);
  });
});
