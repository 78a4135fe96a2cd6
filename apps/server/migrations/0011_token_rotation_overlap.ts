import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Rotation with an overlap (ADR 0029): the secret a rotation replaced stays here. Until
  // `previous_valid_until` it still verifies (the overlap); after it, presenting it is a
  // rotated-out replay, recorded and answered as the owner chose (`on_rotated_out_use`).
  await sql`alter table credentials add column previous_token_hash text`.execute(db);
  await sql`alter table credentials add column previous_valid_until timestamptz`.execute(db);
  await sql`create unique index credentials_previous_token_hash on credentials (previous_token_hash)
    where previous_token_hash is not null`.execute(db);
  await sql`alter table credentials add column on_rotated_out_use text not null default 'notify'
    check (on_rotated_out_use in ('notify', 'revoke'))`.execute(db);
  // A PAT created with this may rotate itself through POST /api/tokens/self/rotate (ADR 0030).
  await sql`alter table credentials add column allow_self_rotation boolean not null default false`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists credentials_previous_token_hash`.execute(db);
  await sql`alter table credentials drop column previous_token_hash`.execute(db);
  await sql`alter table credentials drop column previous_valid_until`.execute(db);
  await sql`alter table credentials drop column on_rotated_out_use`.execute(db);
  await sql`alter table credentials drop column allow_self_rotation`.execute(db);
}
