import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import {
  MIGRATIONS_DIR,
  migrateToLatest,
  openPGlite,
  openPostgres,
} from '../src/platform/database/database.ts';
import { PGliteDialect } from '../src/platform/database/pglite-dialect.ts';
import type { DB } from '../src/schema.ts';

/**
 * Migrated templates the test stores are copied from (ADR 0038). Running every migration for
 * every test file cost seconds per file (initdb alone is most of a PGlite store's start-up);
 * instead one store per migration set is migrated once and each file gets a copy of it:
 * `CREATE DATABASE … TEMPLATE …` on PostgreSQL, `loadDataDir` of a data-directory tarball on
 * PGlite. The template's name carries a hash of the migration files (and the PGlite version), so
 * a changed migration builds a new template and a stale one is never used. Every step is safe
 * when two runs (or two worktrees sharing the PostgreSQL server) race: a template is built under
 * a private name and renamed into place; the loser of the rename throws its copy away.
 */

const require = createRequire(import.meta.url);

let cachedKey: string | undefined;

/** 16 hex digits over the migration files' names and text and the PGlite version. */
export function templateKey(): string {
  if (cachedKey) return cachedKey;
  const hash = createHash('sha256');
  // The data-directory format belongs to the PGlite build: its version is part of the key.
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  hash.update(readFileSync(path.join(dir, 'package.json')));
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  for (const file of files) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  cachedKey = hash.digest('hex').slice(0, 16);
  return cachedKey;
}

const TEMPLATE_DIR = path.join(os.tmpdir(), 'tessera-test-templates');

/** The tarball path of the migrated PGlite data directory (built if missing). */
export async function pgliteTemplate(): Promise<string> {
  const file = path.join(TEMPLATE_DIR, `pglite-${templateKey()}.tar`);
  if (existsSync(file)) return file;
  await mkdir(TEMPLATE_DIR, { recursive: true });
  const pglite = await PGlite.create();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  try {
    await migrateToLatest(db);
    await pglite.exec('checkpoint');
    // Uncompressed: gzip makes it 9× smaller on disk but costs as much to unpack as it saves.
    const tarball = await pglite.dumpDataDir('none');
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await tarball.arrayBuffer()));
    // rename is atomic: a reader sees no file or a whole one; a racing writer's copy is identical.
    await rename(partial, file);
  } finally {
    await db.destroy();
    if (!pglite.closed) await pglite.close();
  }
  return file;
}

let pgliteTarball: Promise<Blob> | undefined;

/** A fresh in-memory PGlite store holding the migrated schema. */
export async function openPGliteFromTemplate() {
  pgliteTarball ??= pgliteTemplate().then(async (file) => new Blob([await readFile(file)]));
  return openPGlite(undefined, { loadDataDir: await pgliteTarball });
}

function databaseUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(baseUrl: string, run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** The name of the migrated template database on the server at `baseUrl` (built if missing). */
export async function postgresTemplate(baseUrl: string): Promise<string> {
  const name = `tessera_tpl_${templateKey()}`;
  const exists = async (admin: pg.Client) =>
    (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (await withAdmin(baseUrl, exists)) return name;
  // Built under a private name, so that no one copies a half-migrated template.
  const building = `tessera_tpb_${randomBytes(6).toString('hex')}`;
  await withAdmin(baseUrl, (admin) => admin.query(`create database ${building}`));
  try {
    const store = await openPostgres(databaseUrl(baseUrl, building), { poolSize: 1 });
    try {
      await migrateToLatest(store.db);
    } finally {
      await store.close();
    }
    await withAdmin(baseUrl, async (admin) => {
      try {
        await admin.query(`alter database ${building} rename to ${name}`);
      } catch (error) {
        // Another run renamed its template into place first (42P04: duplicate database).
        if ((error as { code?: string }).code !== '42P04') throw error;
        return;
      }
      // A template no one connects to: CREATE DATABASE … TEMPLATE refuses a template in use.
      await admin.query(`alter database ${name} with is_template true allow_connections false`);
    });
  } finally {
    await withAdmin(baseUrl, (admin) => admin.query(`drop database if exists ${building} with (force)`));
  }
  return name;
}

let postgresTemplateName: Promise<string> | undefined;

/** Creates a database of its own for one test file, copied from the migrated template. */
export async function createPostgresFromTemplate(baseUrl: string, name: string): Promise<string> {
  postgresTemplateName ??= postgresTemplate(baseUrl);
  const template = await postgresTemplateName;
  await withAdmin(baseUrl, (admin) => admin.query(`create database ${name} template ${template}`));
  return databaseUrl(baseUrl, name);
}
