import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { ProviderListParams } from '../../../../api/mfa-endpoints.ts';

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

/** The report's filters, order and page live in the address, so reload, Back and shared links keep them. */
export function useProviderFilters() {
  const [params, setParams] = useSearchParams();
  const enabled = params.get('enabled');
  const sort = params.get('sort');
  const filters: ProviderFilters = {
    id: /^\d{1,9}$/.test(params.get('id') ?? '') ? (params.get('id') as string) : '',
    name: params.get('name') ?? '',
    type: params.get('type') ?? '',
    enabled: enabled === 'true' || enabled === 'false' ? enabled : '',
    sort: SORT_KEYS.find((key) => key === sort) ?? 'id',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  };

  const update = useCallback(
    (change: Partial<ProviderFilters>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(change)) {
            const isDefault =
              value === '' ||
              value === undefined ||
              (key === 'page' && value === 1) ||
              (key === 'sort' && value === 'id') ||
              (key === 'order' && value === 'asc');
            if (isDefault) next.delete(key);
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
  return { filters, update, sortBy, search, filtered };
}
