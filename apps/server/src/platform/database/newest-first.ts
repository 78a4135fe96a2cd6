import { type SelectQueryBuilder, type StringReference, sql } from 'kysely';
import { type CursorCodec, cursorFields } from '../cursor-codec.ts';

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

/**
 * The page cursor of a newest-first list as its API reads and writes it (the one cursor format,
 * cursor-codec.ts; `list` names it in the MAC): the `cursor` query parameter and `next_cursor`.
 */
export function newestFirstPages(cursors: CursorCodec, list: string) {
  const cursor = cursors.define(list, { at: cursorFields.timestamp(), id: cursorFields.id() });
  return {
    /** Where the page a `cursor` parameter asks for starts (none: the first page); 400 for anything else. */
    after(text: string | undefined): NewestFirstCursor | undefined {
      if (text === undefined) return undefined;
      const { at, id } = cursor.decode(text);
      return { createdAt: at, id };
    },
    /** The `next_cursor` after a page whose last row is `last` (null: there is no next page). */
    next(last: NewestFirstCursor | null): string | null {
      return last ? cursor.encode({ at: last.createdAt, id: last.id }) : null;
    },
  };
}
