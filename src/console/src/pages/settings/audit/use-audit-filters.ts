import type { AuditParams } from '../../../api/endpoints.ts';
import { oneOf, type QueryFilterSpec, useQueryFilters } from '../../../lib/use-query-filters.ts';

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

const SPEC: QueryFilterSpec<AuditFilters> = {
  read: (params) => ({
    type: params.get('type') ?? '',
    outcome: oneOf(params.get('outcome'), ['success', 'failure'] as const),
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  }),
  filterKeys: ['type', 'outcome', 'actor', 'target', 'from', 'to'],
};

/** The filters in the address, and `search`: what the API is asked (local days as instants). */
export function useAuditFilters() {
  const { filters, update, reset } = useQueryFilters(SPEC);
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
  return { filters, update, reset, search, filtered };
}
