import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../../../components/Icon.tsx';
import type { UserFilters } from './use-user-filters.ts';

/** Search as you type (debounced) and two filters; every change goes to the address bar. */
export function UsersToolbar({
  filters,
  onChange,
}: {
  filters: UserFilters;
  onChange: (change: Partial<UserFilters>) => void;
}) {
  const [search, setSearch] = useState(filters.q);
  const searchId = useId();
  const roleId = useId();
  const statusId = useId();

  // The last value sent to the address bar: tells our own updates from outside ones ("Clear filters", Back).
  const applied = useRef(filters.q);

  useEffect(() => {
    if (filters.q === applied.current) return;
    applied.current = filters.q;
    setSearch(filters.q);
  }, [filters.q]);

  useEffect(() => {
    if (search === applied.current) return;
    const timer = window.setTimeout(() => {
      applied.current = search;
      onChange({ q: search });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [search, onChange]);

  return (
    <search className="toolbar" aria-label="Filter users">
      <div className="toolbar-search">
        <label htmlFor={searchId} className="sr-only">
          Search users
        </label>
        <Icon name="search" className="toolbar-search-icon" />
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search by username, name or email"
          value={search}
          maxLength={100}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            applied.current = search;
            onChange({ q: search });
          }}
        />
      </div>
      <div className="toolbar-filter">
        <label htmlFor={roleId}>Role</label>
        <select
          id={roleId}
          className="input select"
          value={filters.role}
          onChange={(event) => onChange({ role: event.target.value as UserFilters['role'] })}
        >
          <option value="">All roles</option>
          <option value="administrator">Administrators</option>
          <option value="user">Users</option>
        </select>
      </div>
      <div className="toolbar-filter">
        <label htmlFor={statusId}>Status</label>
        <select
          id={statusId}
          className="input select"
          value={filters.status}
          onChange={(event) => onChange({ status: event.target.value as UserFilters['status'] })}
        >
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
      </div>
    </search>
  );
}
