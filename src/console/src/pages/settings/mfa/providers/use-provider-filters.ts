import { useCallback } from 'react';
import type { ProviderListParams } from '../../../../api/mfa-endpoints.ts';
import { oneOf, type QueryFilterSpec, useQueryFilters } from '../../../../lib/use-query-filters.ts';

export const PROVIDERS_PAGE_SIZE = 30;

export const SORT_KEYS = ['id', 'name', 'type', 'enabled', 'created', 'lastCheck'] as const;
export type ProviderSort = (typeof SORT_KEYS)[number];

export interface ProviderFilters {
  id: string;
  name: string;
  type: string;
  enabled: '' | 'true' | 'false';
  sort: ProviderSort;
  order: 'asc' | 'desc';
  page: number;
}

const SPEC: QueryFilterSpec<ProviderFilters> = {
  read: (params) => ({
    id: /^\d{1,9}$/.test(params.get('id') ?? '') ? (params.get('id') as string) : '',
    name: params.get('name') ?? '',
    type: params.get('type') ?? '',
    enabled: oneOf(params.get('enabled'), ['true', 'false'] as const),
    sort: SORT_KEYS.find((key) => key === params.get('sort')) ?? 'id',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
  }),
  filterKeys: ['id', 'name', 'type', 'enabled'],
  defaults: { sort: 'id', order: 'asc' },
};

/** The report's filters, order and page live in the address, so reload, Back and shared links keep them. */
export function useProviderFilters() {
  const { filters, update, reset } = useQueryFilters(SPEC);

  /** Header click: a new column sorts ascending, the same column flips. */
  const sortBy = useCallback(
    (key: ProviderSort) =>
      update({ sort: key, order: filters.sort === key && filters.order === 'asc' ? 'desc' : 'asc' }),
    [update, filters.sort, filters.order],
  );

  const search: Omit<ProviderListParams, 'page' | 'pageSize'> = {
    ...(filters.id && { id: filters.id }),
    ...(filters.name.trim() && { name: filters.name.trim() }),
    ...(filters.type && { type: filters.type }),
    ...(filters.enabled && { enabled: filters.enabled }),
    ...(filters.sort !== 'id' && { sort: filters.sort }),
    ...(filters.order !== 'asc' && { order: filters.order }),
  };
  const filtered = Boolean(filters.id || filters.name.trim() || filters.type || filters.enabled);
  return { filters, update, reset, sortBy, search, filtered };
}
