import type { ReactNode } from 'react';
import { Alert } from './alert.tsx';
import { Button } from './button.tsx';
import { Table, type TableProps } from './table.tsx';

/** What QueryTable needs of a TanStack query (or anything shaped like one). */
export interface TableQuery {
  isPending: boolean;
  isError: boolean;
  refetch: () => unknown;
}

/**
 * A table fed by a query, in its four states: placeholder rows while loading, an error with a
 * retry button, the empty state, the rows. The error is shown only when there is nothing to show
 * (a failed background refresh keeps the rows on screen).
 */
export function QueryTable<Row>({
  query,
  errorText,
  retryLabel,
  rows,
  ...table
}: Omit<TableProps<Row>, 'loading'> & {
  query: TableQuery;
  /** The error, in the reader's language (shown only while the query has failed). */
  errorText: ReactNode;
  retryLabel: string;
}) {
  if (query.isError && rows === undefined) {
    return (
      <Alert
        tone="danger"
        live="alert"
        action={<Button onClick={() => query.refetch()}>{retryLabel}</Button>}
      >
        {errorText}
      </Alert>
    );
  }
  return <Table {...table} rows={rows} loading={query.isPending} />;
}
