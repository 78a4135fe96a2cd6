import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id text primary key,
      email text not null,
      name text,
      password_hash text not null,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create unique index users_email_key on users (email)`.execute(db);

  // Every credential kind lives in one table: sessions, OAuth access and refresh tokens,
  // personal access tokens and automation tokens. Only SHA-256 of the token string is kept.
  await sql`
    create table credentials (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      kind text not null check (kind in ('session', 'access', 'refresh', 'personal', 'automation')),
      token_hash text not null,
      preview text not null,
      name text,
      description text,
      scopes text[] not null default '{}',
      client_id text,
      family_id text,
      task_group_id text,
      rotated_from_id text,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      last_used_at timestamptz,
      last_used_ip text
    )`.execute(db);
  await sql`create unique index credentials_token_hash_key on credentials (token_hash)`.execute(db);
  await sql`create index credentials_owner_idx on credentials (user_id, kind, created_at desc)`.execute(db);
  await sql`create index credentials_family_idx on credentials (family_id) where family_id is not null`.execute(
    db,
  );
  await sql`
    create unique index credentials_active_pat_name_key on credentials (user_id, lower(name))
    where kind = 'personal' and revoked_at is null`.execute(db);

  await sql`
    create table credential_usage_daily (
      credential_id text not null references credentials (id) on delete cascade,
      day date not null,
      uses integer not null default 0,
      primary key (credential_id, day)
    )`.execute(db);

  // Append-only: the application never updates or deletes audit rows.
  await sql`
    create table audit_events (
      id bigint generated always as identity primary key,
      user_id text,
      actor_credential_id text,
      actor_kind text,
      action text not null,
      target_type text,
      target_id text,
      outcome text not null default 'success',
      ip text,
      user_agent text,
      request_id text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index audit_events_user_idx on audit_events (user_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_events`.execute(db);
  await sql`drop table credential_usage_daily`.execute(db);
  await sql`drop table credentials`.execute(db);
  await sql`drop table users`.execute(db);
}
