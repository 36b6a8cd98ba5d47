import { useCallback } from 'react';
import type { ApplicationListParams } from '../../../api/access-endpoints.ts';
import { oneOf, type QueryFilterSpec, useQueryFilters } from '../../../lib/use-query-filters.ts';

export const APPLICATIONS_PAGE_SIZE = 30;
export const SORT_KEYS = ['id', 'name', 'enabled', 'created', 'updated'] as const;
export type ApplicationSort = (typeof SORT_KEYS)[number];

export interface ApplicationFilters {
  name: string;
  host: string;
  enabled: '' | 'true' | 'false';
  sort: ApplicationSort;
  order: 'asc' | 'desc';
  page: number;
}

const SPEC: QueryFilterSpec<ApplicationFilters> = {
  read: (params) => ({
    name: params.get('name') ?? '',
    host: params.get('host') ?? '',
    enabled: oneOf(params.get('enabled'), ['true', 'false'] as const),
    sort: SORT_KEYS.find((key) => key === params.get('sort')) ?? 'name',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
  }),
  filterKeys: ['name', 'host', 'enabled'],
  defaults: { sort: 'name', order: 'asc' },
};

/** The report's filters, order and page live in the address, as the Providers report's do. */
export function useApplicationFilters() {
  const { filters, update, reset } = useQueryFilters(SPEC);
  const sortBy = useCallback(
    (key: ApplicationSort) =>
      update({ sort: key, order: filters.sort === key && filters.order === 'asc' ? 'desc' : 'asc' }),
    [update, filters.sort, filters.order],
  );
  const search: Omit<ApplicationListParams, 'page' | 'pageSize'> = {
    ...(filters.name.trim() && { name: filters.name.trim() }),
    ...(filters.host.trim() && { host: filters.host.trim() }),
    ...(filters.enabled && { enabled: filters.enabled }),
    ...(filters.sort !== 'name' && { sort: filters.sort }),
    ...(filters.order !== 'asc' && { order: filters.order }),
  };
  const filtered = Boolean(filters.name.trim() || filters.host.trim() || filters.enabled);
  return { filters, update, reset, sortBy, search, filtered };
}
