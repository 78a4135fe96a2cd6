import { type Kysely, sql } from 'kysely';

// Lifecycle notices (issue #15, ADRs 0033 and 0034). `notice_events` is the outbox: a service
// inserts a row in the transaction of the change it reports, and the row doubles as the in-app
// notice (read state on the row). The delivery worker fans each event out into
// `notice_deliveries` (one per e-mail or webhook endpoint) and delivers them under leases.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notice_events (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      kind text not null,
      subject_type text,
      subject_id text,
      data jsonb not null default '{}',
      dedupe_key text unique,
      created_at timestamptz not null default now(),
      read_at timestamptz,
      fanned_out_at timestamptz
    )`.execute(db);
  await sql`create index notice_events_user_idx on notice_events (user_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index notice_events_unread_idx on notice_events (user_id) where read_at is null`.execute(
    db,
  );
  await sql`create index notice_events_fanout_idx on notice_events (created_at) where fanned_out_at is null`.execute(
    db,
  );

  await sql`
    create table webhook_endpoints (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      url text not null,
      description text not null default '',
      kinds text[] not null default '{}',
      secret_ciphertext text not null,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhook_endpoints_owner_idx on webhook_endpoints (user_id, created_at desc)`.execute(
    db,
  );

  await sql`
    create table notice_deliveries (
      id text primary key,
      event_id text not null references notice_events (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      channel text not null check (channel in ('email', 'webhook')),
      endpoint_id text references webhook_endpoints (id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      lease_owner text,
      lease_until timestamptz,
      last_status_code integer,
      last_error text,
      created_at timestamptz not null,
      delivered_at timestamptz
    )`.execute(db);
  // One delivery per event, channel and endpoint, however often a fan-out is retried.
  await sql`
    create unique index notice_deliveries_once
      on notice_deliveries (event_id, channel, coalesce(endpoint_id, ''))`.execute(db);
  await sql`create index notice_deliveries_due_idx on notice_deliveries (next_attempt_at) where status = 'pending'`.execute(
    db,
  );
  await sql`create index notice_deliveries_endpoint_idx on notice_deliveries (endpoint_id, created_at desc)`.execute(
    db,
  );

  await sql`
    create table notice_delivery_attempts (
      id bigint generated always as identity primary key,
      delivery_id text not null references notice_deliveries (id) on delete cascade,
      attempt integer not null,
      attempted_at timestamptz not null,
      status_code integer,
      error text,
      duration_ms integer not null
    )`.execute(db);
  await sql`create index notice_delivery_attempts_delivery_idx on notice_delivery_attempts (delivery_id, id desc)`.execute(
    db,
  );

  // Per user and event kind: which channels carry it (no row: the defaults).
  await sql`
    create table notice_preferences (
      user_id text not null references users (id) on delete cascade,
      kind text not null,
      in_app boolean not null,
      email boolean not null,
      webhook boolean not null,
      primary key (user_id, kind)
    )`.execute(db);
  await sql`
    create table notice_user_settings (
      user_id text primary key references users (id) on delete cascade,
      locale text not null default 'en-US' check (locale in ('en-US', 'zh-CN'))
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table notice_user_settings`.execute(db);
  await sql`drop table notice_preferences`.execute(db);
  await sql`drop table notice_delivery_attempts`.execute(db);
  await sql`drop table notice_deliveries`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
  await sql`drop table notice_events`.execute(db);
}
