import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per browser authorization (RFC 6749 §4.1 + PKCE): the pending request the consent
  // page shows, then, once approved, the single-use code. Only SHA-256 of the code is kept.
  await sql`
    create table oauth_authorization_requests (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      client_id text not null,
      redirect_uri text not null,
      code_challenge text not null,
      state text,
      scopes text[] not null default '{}',
      status text not null default 'pending' check (status in ('pending', 'approved', 'denied')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      decided_at timestamptz,
      code_hash text,
      code_expires_at timestamptz,
      redeemed_at timestamptz,
      family_id text
    )`.execute(db);
  await sql`
    create unique index oauth_authorization_requests_code_hash_key
    on oauth_authorization_requests (code_hash) where code_hash is not null`.execute(db);
  await sql`create index oauth_authorization_requests_created_idx on oauth_authorization_requests (created_at)`.execute(
    db,
  );

  // RFC 8628 device authorizations. The device code is stored hashed; the short user code is
  // stored normalised (8 letters, no dash) because the user types it and it lives 10 minutes.
  await sql`
    create table oauth_device_authorizations (
      id text primary key,
      device_code_hash text not null,
      user_code text not null,
      client_id text not null,
      scopes text[] not null default '{}',
      status text not null default 'pending'
        check (status in ('pending', 'approved', 'denied', 'redeemed')),
      user_id text references users (id) on delete cascade,
      interval_seconds integer not null,
      last_polled_at timestamptz,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      decided_at timestamptz
    )`.execute(db);
  await sql`
    create unique index oauth_device_authorizations_device_code_hash_key
    on oauth_device_authorizations (device_code_hash)`.execute(db);
  await sql`
    create unique index oauth_device_authorizations_user_code_key
    on oauth_device_authorizations (user_code)`.execute(db);
  await sql`create index oauth_device_authorizations_created_idx on oauth_device_authorizations (created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table oauth_device_authorizations`.execute(db);
  await sql`drop table oauth_authorization_requests`.execute(db);
}
