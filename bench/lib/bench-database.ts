import pg from 'pg';

/** The PostgreSQL server the benchmarks create their databases on (BENCH_PG), as its administrator. */
export const PG_ADMIN = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one administrative statement (create or drop a database) on a connection of its own. */
export async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The connection URL of database `name` on that server. */
export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}
