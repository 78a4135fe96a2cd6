import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestStore, signUp, type TestStore } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

let store: TestStore;
let app: App;

beforeAll(async () => {
  store = await createTestStore();
  app = await buildTestApp(store);
});
afterAll(async () => {
  await app.close();
  await store.destroy();
});

describe('the audit log is append-only in the database (AUDIT-5)', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, and keeps the rows', async () => {
    const user = await signUp(app);
    const me = (await app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).json().user;
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('user_id', '=', me.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(before).toBeGreaterThan(0);

    await expect(
      store.db.updateTable('audit_events').set({ action: 'forged' }).where('user_id', '=', me.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('audit_events').where('user_id', '=', me.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate audit_events`.execute(store.db)).rejects.toThrow(/append-only/);

    expect(await count()).toBe(before);
    const actions = await store.db
      .selectFrom('audit_events')
      .select('action')
      .where('user_id', '=', me.id)
      .execute();
    expect(actions.map((row) => row.action)).not.toContain('forged');
  });

  it('still records new events, and deleting an account keeps its trail', async () => {
    const user = await signUp(app);
    const me = (await app.inject({ url: '/api/me', headers: { cookie: user.cookie } })).json().user;
    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/account',
      headers: { cookie: user.cookie },
      payload: { password: user.password },
    });
    expect(deleted.statusCode).toBe(204);
    const actions = await store.db
      .selectFrom('audit_events')
      .select('action')
      .where('user_id', '=', me.id)
      .execute();
    expect(actions.map((row) => row.action)).toContain('account.deleted');
  });
});
