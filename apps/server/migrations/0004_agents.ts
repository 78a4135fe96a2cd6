import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The list pages by (created_at, id). Times are kept to the millisecond (timestamptz(3)) because
  // the cursor carries created_at as a JavaScript date, which cannot hold microseconds; ids compare
  // byte by byte (collate "C") so that the order is the same whatever the database's locale.
  await sql`
    create table agents (
      id text collate "C" primary key,
      owner_id text not null references users (id) on delete cascade,
      name text not null,
      description text not null default '',
      category text not null,
      framework text,
      tags text[] not null default '{}',
      visibility text not null check (visibility in ('public', 'private')),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`.execute(db);
  // The list's stable order (newest first, id breaking ties), for everyone's public agents and for one owner's.
  await sql`create index agents_listing_idx on agents (created_at desc, id desc)`.execute(db);
  await sql`create index agents_owner_idx on agents (owner_id, created_at desc, id desc)`.execute(db);
  await sql`create index agents_tags_idx on agents using gin (tags)`.execute(db);

  // Uploaded files live on disk under a generated name; this table holds what the API shows.
  await sql`
    create table agent_files (
      id text collate "C" primary key,
      agent_id text collate "C" not null references agents (id) on delete cascade,
      name text not null,
      size bigint not null check (size >= 0),
      sha256 text not null,
      created_at timestamptz(3) not null default now()
    )`.execute(db);
  await sql`create index agent_files_agent_idx on agent_files (agent_id, created_at, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table agent_files`.execute(db);
  await sql`drop table agents`.execute(db);
}
