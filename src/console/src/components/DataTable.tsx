import { Fragment, type ReactNode } from 'react';
import { SkeletonRows } from './Skeleton.tsx';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
  /** For a sortable column: its current order, announced on the header (aria-sort). */
  sort?: 'ascending' | 'descending' | 'none';
}

/**
 * A data table with a caption (its accessible name), skeleton rows on first load, a thin progress
 * bar while refreshing, an empty state in place of rows, and optional detail rows under a row.
 */
export interface DataTableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string | number;
  loading: boolean;
  empty: ReactNode;
  details?: ((row: T) => ReactNode | null) | undefined;
}

export function DataTable<T>({ caption, columns, rows, rowKey, loading, empty, details }: DataTableProps<T>) {
  const refreshing = loading && rows !== undefined;
  return (
    <div className="table-wrap" aria-busy={loading || undefined}>
      {refreshing && (
        <div className="table-progress" role="progressbar" aria-label={`Loading ${caption.toLowerCase()}`} />
      )}
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.className} aria-sort={column.sort}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === undefined ? (
            <SkeletonRows columns={columns.length} />
          ) : rows.length === 0 ? (
            <tr className="table-empty-row">
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((row) => {
              const extra = details?.(row);
              return (
                <Fragment key={rowKey(row)}>
                  <tr className={extra ? 'row-expanded' : undefined}>
                    {columns.map((column) => (
                      <td key={column.key} className={column.className}>
                        {column.cell(row)}
                      </td>
                    ))}
                  </tr>
                  {extra && (
                    <tr className="row-details">
                      <td colSpan={columns.length}>{extra}</td>
                    </tr>
                  )}
                </Fragment>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
