import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Access and refresh tokens now hold the scopes granted at sign-in (ADR 0013). Pairs minted
  // before carry none, and may have come from a consent that showed fewer scopes than they could
  // use: they are revoked, and their apps sign in again once.
  await sql`
    update credentials
    set revoked_at = now(), revoked_reason = 'scopes_introduced'
    where kind in ('access', 'refresh') and revoked_at is null and scopes = '{}'`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: a revocation is not taken back.
}
