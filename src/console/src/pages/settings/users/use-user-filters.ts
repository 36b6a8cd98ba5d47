import type { UserListParams } from '../../../api/endpoints.ts';
import { oneOf, type QueryFilterSpec, useQueryFilters } from '../../../lib/use-query-filters.ts';

export const USERS_PAGE_SIZE = 20;

export interface UserFilters {
  q: string;
  role: '' | 'administrator' | 'user';
  status: '' | 'active' | 'disabled';
  page: number;
}

const SPEC: QueryFilterSpec<UserFilters> = {
  read: (params) => ({
    q: params.get('q') ?? '',
    role: oneOf(params.get('role'), ['administrator', 'user'] as const),
    status: oneOf(params.get('status'), ['active', 'disabled'] as const),
  }),
  filterKeys: ['q', 'role', 'status'],
};

/** Filters live in the address (?q=&role=&status=&page=), so reload, Back and shared links keep them. */
export function useUserFilters() {
  const { filters, update, reset } = useQueryFilters(SPEC);
  const query: UserListParams = {
    ...(filters.q.trim() && { q: filters.q.trim() }),
    ...(filters.role && { role: filters.role }),
    ...(filters.status && { disabled: filters.status === 'disabled' ? 'true' : 'false' }),
    page: filters.page,
    pageSize: USERS_PAGE_SIZE,
  };
  const filtered = Boolean(filters.q.trim() || filters.role || filters.status);
  return { filters, update, reset, query, filtered };
}
