import { isAuthError } from '../api/client.ts';
import type { QueryState } from '../api/use-query.ts';
import { DataTable, type DataTableProps } from './DataTable.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Pagination } from './Pagination.tsx';

/** One page of a list, as the list endpoints answer it. */
export interface ListPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/**
 * A list page's table and its pages, in a panel; when loading failed, the error with a retry in
 * their place (a lost session is left to the sign-in redirect).
 */
export function PagedTable<T>({
  list,
  errorTitle,
  noun,
  onPage,
  ...table
}: {
  list: QueryState<ListPage<T>>;
  /** "Users could not be loaded". */
  errorTitle: string;
  /** What the pages count: "users". */
  noun: string;
  onPage: (page: number) => void;
} & Omit<DataTableProps<T>, 'rows' | 'loading'>) {
  if (list.error && !isAuthError(list.error)) {
    return <ErrorBanner error={list.error} title={errorTitle} onRetry={list.reload} />;
  }
  return (
    <div className="panel">
      <DataTable {...table} rows={list.data?.items} loading={list.loading} />
      {list.data && (
        <Pagination
          page={list.data.page}
          pageSize={list.data.pageSize}
          total={list.data.total}
          noun={noun}
          onPage={onPage}
        />
      )}
    </div>
  );
}
