import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/harness.ts';
import { migrateToLatest } from './database.ts';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

describe('migrations', () => {
  it('a store that already has a later migration applies an earlier one that landed after it (0015 after 0017)', async () => {
    // The state of a store migrated while 0017 was the newest, before 0015 existed.
    await sql`drop index credentials_live_pat_expiry_idx`.execute(store.db);
    await sql`drop index provider_accounts_token_expiry_idx`.execute(store.db);
    await sql`delete from kysely_migration where name = '0015_expiry_scan_indexes'`.execute(store.db);
    expect(await store.pendingMigrations()).toEqual(['0015_expiry_scan_indexes']);

    await migrateToLatest(store.db);

    expect(await store.pendingMigrations()).toEqual([]);
    const { rows } = await sql<{ indexname: string }>`
      select indexname from pg_indexes
      where indexname in ('credentials_live_pat_expiry_idx', 'provider_accounts_token_expiry_idx')
      order by indexname`.execute(store.db);
    expect(rows.map((r) => r.indexname)).toEqual([
      'credentials_live_pat_expiry_idx',
      'provider_accounts_token_expiry_idx',
    ]);
  });
});
