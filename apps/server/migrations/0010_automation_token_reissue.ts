import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A task group may be given a new automation token after its token was revoked (ADR 0024): the
  // store now allows one *live* automation token per group, and revoked ones stay for the trail.
  await sql`drop index credentials_automation_task_group_key`.execute(db);
  await sql`
    create unique index credentials_automation_task_group_live_key on credentials (task_group_id)
    where kind = 'automation' and revoked_at is null`.execute(db);
  // Automation tokens are named after their group (docs/api.md §4); older rows carried its title.
  await sql`
    update credentials set name = 'task-group-' || task_group_id
    where kind = 'automation' and task_group_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index credentials_automation_task_group_live_key`.execute(db);
  // Only the newest token of each group can stay under the old one-per-group index.
  await sql`
    delete from credentials c
    where c.kind = 'automation' and exists (
      select 1 from credentials n
      where n.kind = 'automation' and n.task_group_id = c.task_group_id
        and (n.created_at, n.id) > (c.created_at, c.id))`.execute(db);
  await sql`
    create unique index credentials_automation_task_group_key on credentials (task_group_id)
    where kind = 'automation'`.execute(db);
}
