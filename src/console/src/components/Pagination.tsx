import { Button } from './Button.tsx';

/** "Showing 31–60 of 142" with Previous/Next. Hidden when everything fits on one page. */
export function Pagination({
  page,
  pageSize,
  total,
  onPage,
  noun,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  noun: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav className="pagination" aria-label={`${noun} pages`}>
      <p className="pagination-summary">
        Showing <strong>{first}</strong>–<strong>{last}</strong> of <strong>{total}</strong> {noun}
      </p>
      {pages > 1 && (
        <div className="pagination-controls">
          <Button size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            Previous
          </Button>
          <span className="pagination-page">
            Page {page} of {pages}
          </span>
          <Button size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next
          </Button>
        </div>
      )}
    </nav>
  );
}
