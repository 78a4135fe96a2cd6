import { type SelectQueryBuilder, type StringReference, sql } from 'kysely';

/** Where the next page of a newest-first list starts: the last row of the previous page. */
export interface NewestFirstCursor {
  createdAt: Date;
  id: string;
}

/**
 * Orders a list newest first (`order by "created_at" desc, "id" desc`: the id breaks ties) and,
 * given the previous page's last row, keeps only the rows after it: a keyset page,
 * `("created_at" < $1 or ("created_at" = $2 and "id" < $3))`, never an offset. `columns` names
 * the two columns (`'t.created_at'` when the query joins tables).
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: { createdAt: StringReference<DB, TB>; id: StringReference<DB, TB> },
  after?: NewestFirstCursor,
): SelectQueryBuilder<DB, TB, O> {
  const createdAt = sql.ref(columns.createdAt);
  const id = sql.ref(columns.id);
  const ordered = query.orderBy(createdAt, 'desc').orderBy(id, 'desc');
  if (!after) return ordered;
  return ordered.where(
    sql<boolean>`(${createdAt} < ${after.createdAt} or (${createdAt} = ${after.createdAt} and ${id} < ${after.id}))`,
  );
}
