import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { UserListParams } from '../../../api/endpoints.ts';

export const USERS_PAGE_SIZE = 20;

export interface UserFilters {
  q: string;
  role: '' | 'administrator' | 'user';
  status: '' | 'active' | 'disabled';
  page: number;
}

/** Filters live in the address (?q=&role=&status=&page=), so reload, Back and shared links keep them. */
export function useUserFilters() {
  const [params, setParams] = useSearchParams();
  const role = params.get('role');
  const status = params.get('status');
  const filters: UserFilters = {
    q: params.get('q') ?? '',
    role: role === 'administrator' || role === 'user' ? role : '',
    status: status === 'active' || status === 'disabled' ? status : '',
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  };

  const update = useCallback(
    (change: Partial<UserFilters>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(change)) {
            if (value === '' || value === undefined || (key === 'page' && value === 1)) next.delete(key);
            else next.set(key, String(value));
          }
          // A new filter starts again on page 1.
          if (!('page' in change)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const query: UserListParams = {
    ...(filters.q.trim() && { q: filters.q.trim() }),
    ...(filters.role && { role: filters.role }),
    ...(filters.status && { disabled: filters.status === 'disabled' ? 'true' : 'false' }),
    page: filters.page,
    pageSize: USERS_PAGE_SIZE,
  };
  const filtered = Boolean(filters.q.trim() || filters.role || filters.status);
  return { filters, update, query, filtered };
}
