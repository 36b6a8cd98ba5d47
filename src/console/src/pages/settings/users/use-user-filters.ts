import { useCallback } from 'react';
import { USER_MFA_STATES, USER_SORT_KEYS, type UserSortKey } from '../../../../../shared/api/users.ts';
import type { UserListParams } from '../../../api/endpoints.ts';
import { oneOf, type QueryFilterSpec, useQueryFilters } from '../../../lib/use-query-filters.ts';

export const USERS_PAGE_SIZE = 20;

export interface UserFilters {
  q: string;
  role: '' | 'administrator' | 'user';
  status: '' | 'active' | 'disabled';
  mfa: '' | (typeof USER_MFA_STATES)[number];
  sort: UserSortKey;
  order: 'asc' | 'desc';
  page: number;
}

const SPEC: QueryFilterSpec<UserFilters> = {
  read: (params) => ({
    q: params.get('q') ?? '',
    role: oneOf(params.get('role'), ['administrator', 'user'] as const),
    status: oneOf(params.get('status'), ['active', 'disabled'] as const),
    mfa: oneOf(params.get('mfa'), USER_MFA_STATES),
    sort: USER_SORT_KEYS.find((key) => key === params.get('sort')) ?? 'username',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
  }),
  filterKeys: ['q', 'role', 'status', 'mfa'],
  defaults: { sort: 'username', order: 'asc' },
};

/**
 * Filters, order and page live in the address (?q=&role=&status=&mfa=&sort=&order=&page=), so
 * reload, Back and shared links keep them. `search` is the same without the page: what Export uses.
 */
export function useUserFilters() {
  const { filters, update, reset } = useQueryFilters(SPEC);

  /** Header click: a new column sorts ascending, the same column flips. */
  const sortBy = useCallback(
    (key: UserSortKey) =>
      update({ sort: key, order: filters.sort === key && filters.order === 'asc' ? 'desc' : 'asc' }),
    [update, filters.sort, filters.order],
  );

  const search: Omit<UserListParams, 'page' | 'pageSize'> = {
    ...(filters.q.trim() && { q: filters.q.trim() }),
    ...(filters.role && { role: filters.role }),
    ...(filters.status && { disabled: filters.status === 'disabled' ? 'true' : 'false' }),
    ...(filters.mfa && { mfa: filters.mfa }),
    ...(filters.sort !== 'username' && { sort: filters.sort }),
    ...(filters.order !== 'asc' && { order: filters.order }),
  };
  const query: UserListParams = { ...search, page: filters.page, pageSize: USERS_PAGE_SIZE };
  const filtered = Boolean(filters.q.trim() || filters.role || filters.status || filters.mfa);
  return { filters, update, reset, sortBy, search, query, filtered };
}
