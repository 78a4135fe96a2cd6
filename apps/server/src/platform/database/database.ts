import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import type { DB } from '../../schema.ts';
import { DeadlinePool } from './deadline-pool.ts';
import { PGliteDialect, WriteCounter } from './pglite-dialect.ts';

export type Db = Kysely<DB>;

export interface NotificationListener {
  /** False between a drop and the next successful LISTEN: notifications may be missed meanwhile. */
  readonly connected: boolean;
  /**
   * Resolves once every notification committed before the call has been delivered to
   * `onNotification` (one round trip on the listening connection, shared by concurrent callers).
   * Rejects when the listener is not connected.
   */
  sync(): Promise<void>;
  /**
   * Sends a notification over the listening connection itself (not the pool): delivered only
   * while this listener is connected, so a receipt sent this way also proves the feed is alive.
   * Rejects when the listener is not connected.
   */
  notify(channel: string, payload: string): Promise<void>;
  /** Stops listening. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Names this process's listening connection (`tessera-listener:<instanceId>` in
   * pg_stat_activity, set once LISTEN is in place), so `listeningInstances` can find it.
   */
  instanceId?: string;
  /** Further channels the same connection listens on (their notifications reach `onNotification` too). */
  alsoListen?: readonly string[];
  onNotification(payload: string, channel: string): void;
  /** Called when the connection drops (with why): notifications sent from now on are lost. */
  onDisconnect(cause: unknown): void;
  /** Called when LISTEN is in place again after a drop. */
  onReconnect(): void;
  /** Called for each failed reconnection attempt (the listener keeps trying with back-off). */
  onReconnectFailed?(cause: unknown): void;
}

/**
 * A hot query written once as SQL text: no query building per call. On PostgreSQL it runs as a
 * named prepared statement (parsed and planned once per connection); on PGlite it goes through
 * the Kysely driver's queue like every other statement, so it never runs inside another caller's
 * transaction.
 */
export type PreparedQuery<Row> = (parameters: readonly unknown[]) => Promise<Row[]>;

export interface PrepareOptions {
  /**
   * On the embedded store, answer repeated calls from memory until the next statement that may
   * write (ADR 0027). Only for reads whose rows the caller never mutates (they are frozen).
   * PostgreSQL is shared with other instances, so it always runs the statement.
   */
  embeddedCache?: boolean;
}

/** The store: a Kysely instance plus the LISTEN side of PostgreSQL notifications. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  listen(channel: string, options: ListenOptions): Promise<NotificationListener>;
  /**
   * The instance ids of every process whose listening connection to this database is in place
   * right now (see `ListenOptions.instanceId`). Empty on the embedded store, which one process holds.
   */
  listeningInstances(): Promise<string[]>;
  /** `name` must be unique per distinct `text` (PostgreSQL keys prepared statements by name). */
  prepare<Row>(name: string, text: string, options?: PrepareOptions): PreparedQuery<Row>;
  ping(): Promise<boolean>;
  /** Names of migrations this build knows that the store has not applied (empty when current). */
  pendingMigrations(): Promise<string[]>;
  /** Where failures of background connections (idle pool clients) are reported; they never crash the process. */
  onBackgroundError(handler: (error: unknown) => void): void;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

export async function openPostgres(
  connectionString: string,
  options: { poolSize?: number; connectionTimeoutMs?: number } = {},
): Promise<Database> {
  const pool = new DeadlinePool({
    connectionString,
    max: options.poolSize ?? 10,
    // When PostgreSQL is away a request waits at most this long for a connection, then answers 503.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
  });
  let reportBackgroundError: (error: unknown) => void = () => {};
  // A broken idle client must not crash the process; the pool replaces it. The owner logs why.
  pool.on('error', (error) => reportBackgroundError(error));
  // Nor a client that loses its connection while checked out between two statements (PostgreSQL
  // stopped mid-transaction): pg emits 'error' on it with no listener, which would kill the
  // process. The statement in progress fails on its own and answers 503.
  pool.on('connect', (client) => {
    client.on('error', (error) => reportBackgroundError(error));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<PostgresListener>();
  return {
    kind: 'postgres',
    db,
    prepare<Row>(name: string, text: string): PreparedQuery<Row> {
      return async (parameters) => {
        const result = await pool.query({ name, text, values: parameters as unknown[] });
        return result.rows as Row[];
      };
    },
    async listen(channel, listenOptions) {
      const listener = new PostgresListener(connectionString, channel, listenOptions);
      await listener.start();
      listeners.add(listener);
      return {
        get connected() {
          return listener.connected;
        },
        sync: () => listener.sync(),
        notify: (target, payload) => listener.notify(target, payload),
        close: async () => {
          listeners.delete(listener);
          await listener.close();
        },
      };
    },
    async listeningInstances() {
      const { rows } = await sql<{ name: string }>`
        select application_name as name from pg_stat_activity
        where datname = current_database() and application_name like ${`${LISTENER_NAME}:%`}`.execute(db);
      return rows.map((row) => row.name.slice(LISTENER_NAME.length + 1));
    },
    // A failed readiness ping is reported (once a minute) so the log says why the store is unreachable.
    ping: () => ping(db, (error) => reportBackgroundError(error)),
    pendingMigrations: () => pendingMigrations(db),
    onBackgroundError(handler) {
      reportBackgroundError = handler;
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.close()));
      await db.destroy();
    },
  };
}

/**
 * Opens the embedded store in `dataDir`, or in memory without one. `loadDataDir` starts it from a
 * tarball of a data directory (`PGlite.dumpDataDir`) instead of running initdb: the tests open
 * every file's store from one migrated template this way.
 */
export async function openPGlite(
  dataDir: string | undefined,
  options: { loadDataDir?: Blob } = {},
): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  const writes = new WriteCounter();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, writes) });
  return {
    kind: 'pglite',
    db,
    prepare<Row>(_name: string, text: string, options: PrepareOptions = {}): PreparedQuery<Row> {
      const run = async (parameters: readonly unknown[]) =>
        (await db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]))).rows;
      return options.embeddedCache ? cachedUntilWrite(run, writes) : run;
    },
    async listen(channel, listenOptions) {
      // PGlite delivers notifications after COMMIT, as PostgreSQL does (to every listener in the
      // process before the committing call returns); it never disconnects.
      const unlisten = await Promise.all(
        [channel, ...(listenOptions.alsoListen ?? [])].map((name) =>
          pglite.listen(name, (payload) => listenOptions.onNotification(payload, name)),
        ),
      );
      return {
        connected: true,
        // One process holds the store, so nothing can be in flight from elsewhere.
        sync: async () => {},
        notify: async (target, payload) => {
          await sql`select pg_notify(${target}, ${payload})`.execute(db);
        },
        close: async () => {
          for (const stop of unlisten) await stop();
        },
      };
    },
    listeningInstances: async () => [],
    ping: () => ping(db),
    pendingMigrations: () => pendingMigrations(db),
    onBackgroundError() {},
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

const EMBEDDED_CACHE_ENTRIES = 10_000;

/**
 * Answers a read from memory while no statement that may write has run since it was read. The
 * generation is taken before the statement is queued, so a read that overlapped a write is
 * stored under an old generation and never served. At most 10,000 parameter sets are kept; the
 * whole cache is dropped when full (reads are cheap to repeat, the hot set refills at once).
 */
function cachedUntilWrite<Row>(run: PreparedQuery<Row>, writes: WriteCounter): PreparedQuery<Row> {
  let entries = new Map<string, { generation: number; rows: Row[] }>();
  return async (parameters) => {
    const key = JSON.stringify(parameters);
    const generation = writes.generation;
    const hit = entries.get(key);
    if (hit && hit.generation === generation) return hit.rows;
    const rows = await run(parameters);
    if (entries.size >= EMBEDDED_CACHE_ENTRIES) entries = new Map();
    entries.set(key, { generation, rows: deepFreeze(rows) });
    return rows;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

async function ping(db: Db, onError?: (error: unknown) => void): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch (error) {
    onError?.(error);
    return false;
  }
}

/**
 * Every `NNNN_name.ts` file in migrations/ (`.js` in the compiled build), in name order. Imported
 * from our own code so tsx and Vitest can load TypeScript. The name excludes the extension, so a
 * database migrated by either form is current for both.
 */
const folderMigrationProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(MIGRATIONS_DIR))
      .filter((f) => /^\d{4}_.+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.(ts|js)$/, '')] = (await import(
        pathToFileURL(path.join(MIGRATIONS_DIR, file)).href
      )) as Migration;
    }
    return migrations;
  },
};

async function pendingMigrations(db: Db): Promise<string[]> {
  const known = await new Migrator({ db, provider: folderMigrationProvider }).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: folderMigrationProvider,
    // Migration numbers are handed out to work in progress and may land out of order (0017
    // before 0015). Each is self-contained and additive, so a store that already has a later one
    // applies the missing earlier one instead of refusing to start ("corrupted migrations").
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(
      `database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * A dedicated connection that LISTENs on one channel and reconnects with back-off when it drops.
 * PostgreSQL does not queue notifications for a disconnected listener, so every reconnect is
 * reported to the owner, who must treat everything it cached as stale.
 */
const LISTENER_NAME = 'tessera-listener';

class PostgresListener {
  private client: pg.Client | undefined;
  /** The connection once its LISTEN is in place, until it drops (`client` is set a step later). */
  private listening: pg.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly options: ListenOptions,
  ) {}

  private syncInFlight: Promise<void> | undefined;
  private syncQueued: Promise<void> | undefined;

  async start(): Promise<void> {
    await this.connect();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /**
   * PostgreSQL sends a listening session its pending notifications before it answers a query, so
   * after one round trip everything committed before the round trip began has been delivered.
   * Callers arriving while a round trip is in flight wait for the next one (which starts after
   * them); so a burst of callers costs at most two round trips.
   */
  sync(): Promise<void> {
    if (!this.syncInFlight) {
      this.syncInFlight = this.roundTrip().finally(() => {
        this.syncInFlight = undefined;
      });
      return this.syncInFlight;
    }
    this.syncQueued ??= this.syncInFlight
      .catch(() => {})
      .then(() => {
        this.syncQueued = undefined;
        return this.sync();
      });
    return this.syncQueued;
  }

  async notify(channel: string, payload: string): Promise<void> {
    // From LISTEN on (a notification may arrive while the connection is still being named).
    const client = this.listening;
    if (!client) throw new Error('the listener is not connected');
    await client.query('select pg_notify($1, $2)', [channel, payload]);
  }

  private async roundTrip(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('the listener is not connected');
    await client.query('');
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: LISTENER_NAME,
    });
    const channels = new Set([this.channel, ...(this.options.alsoListen ?? [])]);
    client.on('notification', (message) => {
      if (channels.has(message.channel)) this.options.onNotification(message.payload ?? '', message.channel);
    });
    client.on('error', (error) => this.scheduleReconnect(client, error));
    client.on('end', () => this.scheduleReconnect(client, new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      for (const channel of channels) await client.query(`listen "${channel.replace(/"/g, '')}"`);
      this.listening = client;
      // Named only once it listens: whoever finds this name may count on it hearing what follows.
      if (this.options.instanceId) {
        await client.query(
          `set application_name = '${LISTENER_NAME}:${this.options.instanceId.replace(/[^\w-]/g, '')}'`,
        );
      }
    } catch (error) {
      if (this.listening === client) this.listening = undefined;
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private scheduleReconnect(dead: pg.Client, cause: unknown) {
    if (this.listening === dead) this.listening = undefined;
    if (this.closed || this.client !== dead) return;
    this.client = undefined;
    // Whatever was cached may have been revoked while we were away.
    this.options.onDisconnect(cause);
    this.retryLater();
  }

  private retryLater() {
    if (this.closed) return;
    const delay = Math.min(50 * 2 ** this.attempts, 2_000);
    this.attempts += 1;
    this.retryTimer = setTimeout(async () => {
      try {
        await this.connect();
        if (this.closed) return;
        this.attempts = 0;
        // Notifications sent between the drop and the new LISTEN were lost as well.
        this.options.onReconnect();
      } catch (error) {
        this.options.onReconnectFailed?.(error);
        this.retryLater();
      }
    }, delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.listening = undefined;
    await client?.end().catch(() => {});
  }
}

export async function openDatabase(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<Database> {
  const database = config.databaseUrl
    ? await openPostgres(config.databaseUrl)
    : await openPGlite(path.join(config.dataDir, 'pglite'));
  if (database.kind === 'postgres') await assertDurableCommits(database.db);
  await migrateToLatest(database.db);
  return database;
}

/** A 201 for a new token or a 204 for a revoke must survive a crash: refuse asynchronous commit. */
async function assertDurableCommits(db: Db) {
  const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db);
  const setting = rows[0]?.synchronous_commit;
  if (setting === 'off' || setting === 'local') {
    throw new Error(
      `synchronous_commit is "${setting}"; Tessera needs it "on" so that revocations are durable`,
    );
  }
}
