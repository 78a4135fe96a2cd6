import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The User-Agent that created a web session or minted an access+refresh pair (at most 512
  // characters), so that "Sessions and devices" can tell one sign-in from another.
  await sql`alter table credentials add column user_agent text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table credentials drop column user_agent`.execute(db);
}
