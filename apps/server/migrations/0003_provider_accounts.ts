import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A user's tokens for GitHub, GitLab and Bitbucket. The token is kept only as an AES-256-GCM
  // envelope (`v1|keyId|iv|ct|tag`) bound to (id, user_id, provider); see ADR 0005.
  await sql`
    create table provider_accounts (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      provider text not null check (provider in ('github', 'gitlab', 'bitbucket')),
      name text not null,
      base_url text,
      username text,
      token_ciphertext text not null,
      token_preview text not null,
      status text not null default 'unchecked'
        check (status in ('unchecked', 'ok', 'invalid_token', 'token_expired', 'insufficient_permissions', 'unreachable')),
      login text,
      scopes text[],
      token_expires_at timestamptz,
      last_checked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index provider_accounts_owner_idx on provider_accounts (user_id, created_at desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table provider_accounts`.execute(db);
}
