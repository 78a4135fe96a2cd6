import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openPGlite, openPostgres } from '../../src/platform/database/database.ts';
import { checkLedger, newLedger, runLoad } from './load.ts';
import {
  type PrivatePostgres,
  postgresBinariesPresent,
  signUpOver,
  startPrivatePostgres,
  startTessera,
  type TesseraProcess,
  until,
} from './support.ts';

/**
 * Scenario 1: SIGKILL mid-load, restart on the same store (the embedded store's data folder, and a
 * private PostgreSQL cluster).
 */
const dirs: string[] = [];
let postgres: PrivatePostgres | undefined;
afterAll(async () => {
  await postgres?.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Store = { name: string; env: () => Promise<Record<string, string>>; open: () => Promise<Database> };

function embedded(): Store {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-faults-data-'));
  dirs.push(dataDir);
  return {
    name: 'embedded',
    env: async () => ({ TESSERA_DATA_DIR: dataDir }),
    open: () => openPGlite(path.join(dataDir, 'pglite')),
  };
}

function privatePostgres(): Store {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-faults-data-'));
  dirs.push(dataDir);
  return {
    name: 'postgres',
    env: async () => {
      postgres ??= await startPrivatePostgres();
      return { DATABASE_URL: postgres.url, TESSERA_DATA_DIR: dataDir };
    },
    open: () => openPostgres(postgres!.url, { poolSize: 2 }),
  };
}

/** Every PAT row has its creation audit event and every revoked one its revocation event (one transaction each). */
async function halfWrittenTokens(database: Database): Promise<string[]> {
  const { rows } = await sql<{ id: string; problem: string }>`
    select c.id, 'no token.created event' as problem from credentials c
    where c.kind = 'personal' and c.rotated_from_id is null
      and not exists (select 1 from audit_events a where a.target_id = c.id and a.action = 'token.created')
    union all
    select c.id, 'revoked without token.revoked event' from credentials c
    where c.kind = 'personal' and c.revoked_at is not null
      and not exists (select 1 from audit_events a where a.target_id = c.id and a.action in ('token.revoked', 'token.revoked_all'))
    union all
    select a.target_id, 'token.created event without its token' from audit_events a
    where a.action = 'token.created' and not exists (select 1 from credentials c where c.id = a.target_id)`.execute(
    database.db,
  );
  return rows.map((r) => `${r.id}: ${r.problem}`);
}

const stores = [embedded(), ...(postgresBinariesPresent ? [privatePostgres()] : [])];

describe.each(stores)('on the $name store', (store) => {
  it('scenario 1: SIGKILL mid-load loses nothing acknowledged; a restart on the same store serves it all', async () => {
    const env = await store.env();
    let server: TesseraProcess = await startTessera(env);
    const users = [await signUpOver(server.base, 'kill-a'), await signUpOver(server.base, 'kill-b')];
    const ledger = newLedger();
    let killed!: () => void;
    const stop = new Promise<void>((resolve) => {
      killed = resolve;
    });
    const load = runLoad({ bases: () => [server.base], users, clients: 4, ledger, until: stop });
    await until(
      'enough acknowledged writes before the kill',
      () => ledger.created.size >= 15 && ledger.dead.size >= 3,
      60_000,
    );
    const lastUseProbe = [...ledger.live.values()][0]!;
    await fetch(`${server.base}/api/me`, { headers: { authorization: `Bearer ${lastUseProbe}` } });
    server.child.kill('SIGKILL');
    await server.exited;
    killed();
    await load;

    server = await startTessera(env, server.port);
    try {
      expect(await checkLedger(server.base, ledger)).toEqual([]);
      expect(ledger.statuses['read:200']).toBeGreaterThan(0);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    const database = await store.open();
    try {
      expect(await halfWrittenTokens(database)).toEqual([]);
    } finally {
      await database.close();
    }
  }, 180_000);
});
