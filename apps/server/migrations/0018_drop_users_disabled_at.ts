import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Nothing ever set users.disabled_at (there is no way to disable an account): the verifier's
  // lookup and the password check only read it, always null (issue #17). A user who must lose
  // access is deleted, which cascades to their credentials.
  await sql`alter table users drop column disabled_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column disabled_at timestamptz`.execute(db);
}
