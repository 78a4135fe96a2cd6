/**
 * Seeds a benchmark database with `count` issued PATs for one user: all but `sampleSize` as rows
 * generated inside PostgreSQL (random hashes: nobody holds their secrets), plus `sampleSize` real
 * tokens whose secrets are returned, so requests can present them cold.
 * Run alone: tsx bench/seed-tokens.ts <database url> <user id> <count>
 */
import pg from 'pg';
import {
  generateToken,
  hashToken,
  previewToken,
} from '../apps/server/src/modules/credentials/token-format.ts';

export async function seedTokens(url: string, userId: string, count: number, sampleSize = 20_000) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const bulk = Math.max(0, count - sampleSize);
    for (let from = 1; from <= bulk; from += 200_000) {
      const to = Math.min(bulk, from + 199_999);
      await client.query(
        `insert into credentials (id, user_id, kind, token_hash, preview, name, scopes)
         select 'tok_seed' || g, $1, 'personal', encode(sha256(convert_to('seed' || g || random()::text, 'UTF8')), 'hex'),
                'tes_pat_seed…', 'seed-' || g, '{profile:read,agents:read}'
         from generate_series($2::int, $3::int) g`,
        [userId, from, to],
      );
    }
    const tokens = Array.from({ length: Math.min(sampleSize, count) }, () => generateToken('pat'));
    for (let i = 0; i < tokens.length; i += 5_000) {
      const batch = tokens.slice(i, i + 5_000);
      await client.query(
        `insert into credentials (id, user_id, kind, token_hash, preview, name, scopes)
         select 'tok_sample' || ($2::int + n), $1, 'personal', h, p, 'sample-' || ($2::int + n), '{profile:read,agents:read}'
         from unnest($3::text[], $4::text[]) with ordinality as t(h, p, n)`,
        [userId, i, batch.map(hashToken), batch.map(previewToken)],
      );
    }
    await client.query('analyze credentials');
    return tokens;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, userId, count] = process.argv.slice(2);
  const tokens = await seedTokens(url!, userId!, Number(count));
  console.log(`seeded ${count} tokens; ${tokens.length} with known secrets`);
}
