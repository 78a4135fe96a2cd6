import type { ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  header: ReactNode;
  /** Label used when rows stack into cards on narrow screens (defaults to the header). */
  label?: string;
  cell: (row: Row) => ReactNode;
  className?: string;
  /** Visually hide the header (e.g. an actions column), keeping it for screen readers. */
  hideHeader?: boolean;
}

export interface TableProps<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => string;
  loading?: boolean;
  loadingLabel?: string;
  /** Shown in place of the rows when there are none. */
  empty?: ReactNode;
  /** Number of placeholder rows while loading, to hold the page's shape. */
  placeholderRows?: number;
  rowClassName?: (row: Row) => string | undefined;
}

/**
 * A data table. On narrow screens (see ui.css) each row becomes a card whose cells show their
 * column label, so nothing needs sideways scrolling on a phone.
 */
export function Table<Row>({
  caption,
  columns,
  rows,
  rowKey,
  loading = false,
  loadingLabel,
  empty,
  placeholderRows = 3,
  rowClassName,
}: TableProps<Row>) {
  const showEmpty = !loading && rows !== undefined && rows.length === 0 && empty;
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={loading || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.className}>
                {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {loading
            ? Array.from({ length: placeholderRows }, (_, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
                <tr key={index} className="table__placeholder">
                  {columns.map((column) => (
                    <td key={column.key} className={column.className}>
                      <span className="skeleton" aria-hidden="true" />
                    </td>
                  ))}
                </tr>
              ))
            : rows?.map((row) => (
                <tr key={rowKey(row)} className={rowClassName?.(row)}>
                  {columns.map((column) => (
                    <td
                      key={column.key}
                      className={column.className}
                      data-label={column.hideHeader ? undefined : (column.label ?? textOf(column.header))}
                    >
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
          {showEmpty ? (
            <tr className="table__empty">
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {loading && loadingLabel ? (
        <span className="visually-hidden" role="status">
          {loadingLabel}
        </span>
      ) : null}
    </div>
  );
}

function textOf(node: ReactNode): string | undefined {
  return typeof node === 'string' ? node : undefined;
}
