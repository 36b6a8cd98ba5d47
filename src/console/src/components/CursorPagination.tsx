import { Button } from './Button.tsx';

/** How many match: exact, or at least `value` ("more than 1,000") when counting them all was not asked for. */
export interface MatchCount {
  value: number;
  exact: boolean;
}

/**
 * Previous/Next for lists read by position (cursor paging): no page numbers, since counting every
 * page would cost more than reading one. The summary says honestly how many match: the exact number,
 * or "more than N" with a button that asks for the exact count.
 */
export function CursorPagination({
  shown,
  count,
  noun,
  onPrevious,
  onNext,
  onNewest,
  onCountExactly,
  counting = false,
}: {
  shown: number;
  count: MatchCount;
  noun: string;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
  /** Back to the newest records, when the page is not already there. */
  onNewest: (() => void) | null;
  onCountExactly: () => void;
  counting?: boolean;
}) {
  if (count.value === 0 && shown === 0) return null;
  const total = count.value.toLocaleString('en');
  return (
    <nav className="pagination" aria-label={`${noun} pages`}>
      <p className="pagination-summary" aria-live="polite">
        Showing <strong>{shown.toLocaleString('en')}</strong> {noun} ·{' '}
        {count.exact ? (
          <>
            <strong>{total}</strong> match
          </>
        ) : (
          <>
            more than <strong>{total}</strong> match{' '}
            <Button size="sm" variant="ghost" onClick={onCountExactly} busy={counting} busyText="Counting…">
              Count all
            </Button>
          </>
        )}
      </p>
      {(onPrevious || onNext) && (
        <div className="pagination-controls">
          {onNewest && (
            <Button size="sm" variant="ghost" onClick={onNewest}>
              Newest
            </Button>
          )}
          <Button
            size="sm"
            disabled={!onPrevious}
            onClick={onPrevious ?? undefined}
            aria-label={`Previous (newer) ${noun}`}
          >
            Previous
          </Button>
          <Button size="sm" disabled={!onNext} onClick={onNext ?? undefined} aria-label={`Next (older) ${noun}`}>
            Next
          </Button>
        </div>
      )}
    </nav>
  );
}
