import { type Kysely, sql } from 'kysely';

// The security log is evidence: the application role may add to it and read it, never rewrite
// it. A trigger holds on PGlite and on PostgreSQL alike, whatever role the server connects as.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only' using errcode = '42501';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_no_rewrite before update or delete on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger audit_events_no_truncate on audit_events`.execute(db);
  await sql`drop trigger audit_events_no_rewrite on audit_events`.execute(db);
  await sql`drop function audit_events_append_only()`.execute(db);
}
