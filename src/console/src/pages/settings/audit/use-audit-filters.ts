import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditFilterParams } from '../../../api/audit-endpoints.ts';
import { oneOf } from '../../../lib/use-query-filters.ts';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  type: string;
  outcome: '' | 'success' | 'failure';
  actor: string;
  target: string;
  /** Calendar days (YYYY-MM-DD) in the reader's time zone; both ends included. */
  from: string;
  to: string;
}

/** Where in the log the page is: after a record (older ones) or before it (newer ones); none = newest. */
export interface AuditPosition {
  after?: string;
  before?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FILTER_KEYS = ['type', 'outcome', 'actor', 'target', 'from', 'to'] as const;
const POSITION_KEYS = ['after', 'before'] as const;

/** Local midnight at the start of `day` (plus `offset` days), as the ISO instant the API expects. */
function localDayStart(day: string, offset = 0): string | undefined {
  if (!DAY.test(day)) return undefined;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date + offset);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

/**
 * Filters, the position and "count exactly" live in the address, so reload, Back and shared links keep
 * them. A change of filter starts again at the newest records; `search` is what the API is asked.
 */
export function useAuditFilters() {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = {
    type: params.get('type') ?? '',
    outcome: oneOf(params.get('outcome'), ['success', 'failure'] as const),
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const position: AuditPosition = {
    ...(params.get('after') && { after: params.get('after') as string }),
    ...(params.get('before') && { before: params.get('before') as string }),
  };
  const exactCount = params.get('count') === 'exact';

  const write = useCallback(
    (change: Record<string, string | undefined>, clear: readonly string[]) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const key of clear) next.delete(key);
          for (const [key, value] of Object.entries(change)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const update = useCallback((change: Partial<AuditFilters>) => write(change, [...POSITION_KEYS, 'count']), [write]);
  const reset = useCallback(() => write({}, [...FILTER_KEYS, ...POSITION_KEYS, 'count']), [write]);
  const goTo = useCallback((next: AuditPosition) => write({ ...next }, POSITION_KEYS), [write]);
  const countExactly = useCallback(() => write({ count: 'exact' }, []), [write]);

  const from = localDayStart(filters.from);
  // The API's `to` is exclusive: the day after the chosen last day, at local midnight.
  const to = localDayStart(filters.to, 1);
  const search: AuditFilterParams = {
    ...(filters.type && { type: filters.type }),
    ...(filters.outcome && { outcome: filters.outcome }),
    ...(filters.actor.trim() && { actor: filters.actor.trim() }),
    ...(filters.target.trim() && { target: filters.target.trim() }),
    ...(from && { from }),
    ...(to && { to }),
  };
  const filtered = Object.keys(search).length > 0;
  return { filters, position, exactCount, update, reset, goTo, countExactly, search, filtered };
}
