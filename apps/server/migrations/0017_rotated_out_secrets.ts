import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every secret a rotation replaced, kept for the replay window (30 days) so that presenting
  // any of them, not only the last one, is recognised as a rotated-out replay (ADR 0029).
  await sql`
    create table credential_rotated_out_secrets (
      token_hash text primary key,
      credential_id text not null references credentials (id) on delete cascade,
      rotated_out_at timestamptz not null
    )`.execute(db);
  await sql`create index credential_rotated_out_secrets_rotated_out_at
    on credential_rotated_out_secrets (rotated_out_at)`.execute(db);
  // The secret the last rotation replaced is remembered from now on in both places.
  await sql`
    insert into credential_rotated_out_secrets (token_hash, credential_id, rotated_out_at)
    select previous_token_hash, id, coalesce(rotated_at, created_at) from credentials
    where previous_token_hash is not null
    on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table credential_rotated_out_secrets`.execute(db);
}
