import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Per-repository restriction of a PAT (issue #16 item 7): null means every repository of the
  // owner; a list limits repos:* and tasks:* routes to those repositories (ADR 0031).
  await sql`alter table credentials add column repo_ids text[]`.execute(db);
  // Network allow-list of a PAT (item 3): null means any network; CIDRs in canonical form.
  await sql`alter table credentials add column allowed_cidrs text[]`.execute(db);

  // The source networks a token was used from (/24 for IPv4, /64 for IPv6), written in batches
  // with last-use data and trimmed to the 10 most recent per token (ADR 0031).
  await sql`
    create table credential_networks (
      credential_id text not null references credentials (id) on delete cascade,
      network text not null,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      last_ip text,
      uses integer not null default 0,
      primary key (credential_id, network)
    )`.execute(db);

  // Which scopes a token exercised, per UTC day (item 4, least-privilege report).
  await sql`
    create table credential_scope_usage_daily (
      credential_id text not null references credentials (id) on delete cascade,
      day date not null,
      scope text not null,
      uses integer not null default 0,
      primary key (credential_id, day, scope)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table credential_scope_usage_daily`.execute(db);
  await sql`drop table credential_networks`.execute(db);
  await sql`alter table credentials drop column allowed_cidrs`.execute(db);
  await sql`alter table credentials drop column repo_ids`.execute(db);
}
