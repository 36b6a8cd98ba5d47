import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditParams } from '../../../api/endpoints.ts';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  type: string;
  outcome: '' | 'success' | 'failure';
  actor: string;
  target: string;
  /** Calendar days (YYYY-MM-DD) in the reader's time zone; both ends included. */
  from: string;
  to: string;
  page: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Local midnight at the start of `day` (plus `offset` days), as the ISO instant the API expects. */
function localDayStart(day: string, offset = 0): string | undefined {
  if (!DAY.test(day)) return undefined;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date + offset);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

export function useAuditFilters() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('outcome');
  const filters: AuditFilters = {
    type: params.get('type') ?? '',
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : '',
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  };

  const update = useCallback(
    (change: Partial<AuditFilters>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(change)) {
            if (value === '' || value === undefined || (key === 'page' && value === 1)) next.delete(key);
            else next.set(key, String(value));
          }
          if (!('page' in change)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const from = localDayStart(filters.from);
  // The API's `to` is exclusive: the day after the chosen last day, at local midnight.
  const to = localDayStart(filters.to, 1);
  const search: Omit<AuditParams, 'page' | 'pageSize'> = {
    ...(filters.type && { type: filters.type }),
    ...(filters.outcome && { outcome: filters.outcome }),
    ...(filters.actor.trim() && { actor: filters.actor.trim() }),
    ...(filters.target.trim() && { target: filters.target.trim() }),
    ...(from && { from }),
    ...(to && { to }),
  };
  const filtered = Object.keys(search).length > 0;
  return { filters, update, search, filtered };
}
