import type {
  Expression,
  ExpressionBuilder,
  Kysely,
  Selectable,
  SelectQueryBuilder,
  SqlBool,
  UpdateObject,
  UpdateQueryBuilder,
  UpdateResult,
} from 'kysely';
import type { DB } from '../../schema.ts';

/** The authorizations a user decides once: consent requests and device authorizations. */
type AuthorizationTable = 'oauth_authorization_requests' | 'oauth_device_authorizations';

/**
 * The two queries on an authorization still awaiting its user's decision — undecided and
 * unexpired, found by `key` — with all of it in one WHERE clause (`where ("<key>" = $1 … and
 * "status" = 'pending' and "expires_at" > now)`): read it (what the consent or device page shows),
 * or record the decision in one conditional UPDATE, so that of two decisions only one finds the
 * row. `keyConditions` says how a key picks the row (the user's own request by id, a user code).
 *
 * As in `ownedRowQueries`, the builders are given the types Kysely infers for a literal table
 * name, which TypeScript cannot work out while the table is a type parameter.
 */
export function pendingAuthorizationQueries<T extends AuthorizationTable, Key>(
  db: Kysely<DB>,
  table: T,
  keyConditions: (eb: ExpressionBuilder<DB, T>, key: Key) => Expression<SqlBool>[],
) {
  type Row = Selectable<DB[T]>;
  const isPending = (key: Key, now: Date) => (eb: ExpressionBuilder<DB, T>) => {
    const columns = eb as unknown as ExpressionBuilder<DB, AuthorizationTable>;
    return eb.and([
      ...keyConditions(eb, key),
      columns('status', '=', 'pending'),
      columns('expires_at', '>', now),
    ]);
  };

  return {
    /** The pending authorization `key` names, or undefined (decided, expired, or none). */
    async find(key: Key, now: Date, executor: Kysely<DB> = db): Promise<Row | undefined> {
      const query = executor.selectFrom(table).selectAll() as unknown as SelectQueryBuilder<DB, T, Row>;
      return query.where(isPending(key, now)).executeTakeFirst();
    },

    /**
     * Writes the one decision (`Decision`: what a repository lets it write) and returns the row as
     * decided; undefined when there is no pending authorization to decide.
     */
    async decide<Decision extends UpdateObject<DB, T>>(
      key: Key,
      now: Date,
      decision: Decision,
      executor: Kysely<DB> = db,
    ): Promise<Row | undefined> {
      const query = executor.updateTable(table) as unknown as UpdateQueryBuilder<DB, T, T, UpdateResult>;
      const row = await query.set(decision).where(isPending(key, now)).returningAll().executeTakeFirst();
      return row as Row | undefined;
    },
  };
}
