import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The notices expiry scan (ADR 0034) asks, every run on every instance, for live PATs whose
  // expiry falls in a window: without an index it reads the whole credentials table (sessions,
  // access and refresh tokens included). The predicate matches the scan's WHERE clause, so the
  // index holds only live PATs that expire, and the planner can prove it applies.
  await sql`
    create index credentials_live_pat_expiry_idx on credentials (expires_at)
    where kind = 'personal' and revoked_at is null and expires_at is not null`.execute(db);
  // The same scan over provider accounts whose provider reported an expiry.
  await sql`
    create index provider_accounts_token_expiry_idx on provider_accounts (token_expires_at)
    where token_expires_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index provider_accounts_token_expiry_idx`.execute(db);
  await sql`drop index credentials_live_pat_expiry_idx`.execute(db);
}
