import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // When a token's current secret was issued by a rotation (null: never rotated). A rotated
  // token's lifetime is measured from here, while `created_at` keeps saying when the token was
  // made (ADR 0014).
  await sql`alter table credentials add column rotated_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table credentials drop column rotated_at`.execute(db);
}
