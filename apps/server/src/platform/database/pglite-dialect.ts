import type { PGlite, Results } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Counts statements that may change data on the embedded store: every statement except a plain
 * `select` (transaction control and data-modifying `with` included). This process is the store's
 * only user, so an unchanged count means unchanged data (the embedded read cache, ADR 0027).
 */
export class WriteCounter {
  generation = 0;
  /** Whether `sql` may write (anything but a statement starting with `select`). */
  static mayWrite(sql: string): boolean {
    return !/^\s*select\b/i.test(sql);
  }
}

/**
 * A Kysely dialect for the embedded PGlite store. PGlite is a single connection, so the driver
 * hands it out to one user at a time: a transaction holds it until COMMIT or ROLLBACK.
 */
export class PGliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly writes: WriteCounter = new WriteCounter(),
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.writes);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;

  constructor(pglite: PGlite, writes: WriteCounter) {
    this.connection = new PGliteConnection(pglite, writes);
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.connection.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(connection: DatabaseConnection) {
    (connection as PGliteConnection).release();
  }
  async destroy() {}
}

class PGliteConnection implements DatabaseConnection {
  release: () => void = () => {};
  constructor(
    private readonly pglite: PGlite,
    private readonly writes: WriteCounter,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Counted before and after: a read that began while this statement ran is not trusted either.
    const write = WriteCounter.mayWrite(compiled.sql);
    if (write) this.writes.generation += 1;
    let result: Results<R>;
    try {
      result = await this.pglite.query<R>(compiled.sql, [...compiled.parameters]);
    } finally {
      if (write) this.writes.generation += 1;
    }
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported by PGlite; Kysely requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded store');
  }
}
