import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A repository the user connected through one of their provider accounts. NO ACTION (not
  // RESTRICT) toward provider_accounts: deleting a connected account directly is refused, yet a
  // user's deletion still cascades through both tables in one statement.
  await sql`
    create table repos (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      provider_account_id text not null references provider_accounts (id),
      provider text not null check (provider in ('github', 'gitlab', 'bitbucket')),
      full_name text not null,
      private boolean not null,
      default_branch text,
      created_at timestamptz(3) not null default now()
    )`.execute(db);
  await sql`create unique index repos_account_full_name_key on repos (provider_account_id, lower(full_name))`.execute(
    db,
  );
  await sql`create index repos_owner_idx on repos (user_id, created_at desc, id desc)`.execute(db);

  // A piece of work an agent does on a repository. Its automation token lives in credentials
  // (kind 'automation', task_group_id set). A deleted agent leaves its groups in place (SET NULL):
  // their tokens are revoked only when the group closes or the repository goes.
  await sql`
    create table task_groups (
      id text primary key,
      repo_id text not null references repos (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      agent_id text references agents (id) on delete set null,
      title text not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      created_at timestamptz(3) not null default now(),
      closed_at timestamptz(3)
    )`.execute(db);
  await sql`create index task_groups_repo_idx on task_groups (repo_id, created_at desc, id desc)`.execute(db);
  await sql`create index task_groups_owner_idx on task_groups (user_id, created_at desc, id desc)`.execute(
    db,
  );
  // "Ensure" semantics: one open group per repository, agent and title, so a retried or
  // concurrent create finds the existing group instead of making a second one.
  await sql`
    create unique index task_groups_open_key on task_groups (repo_id, agent_id, lower(title))
    where status = 'open'`.execute(db);

  await sql`
    create table tasks (
      id text primary key,
      task_group_id text not null references task_groups (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      title text not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      output text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`.execute(db);
  await sql`create index tasks_group_idx on tasks (task_group_id, created_at, id)`.execute(db);

  // Exactly one automation token per task group, enforced by the store rather than by a check
  // that two concurrent requests could both pass.
  await sql`
    create unique index credentials_automation_task_group_key on credentials (task_group_id)
    where kind = 'automation'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index credentials_automation_task_group_key`.execute(db);
  await sql`drop table tasks`.execute(db);
  await sql`drop table task_groups`.execute(db);
  await sql`drop table repos`.execute(db);
}
