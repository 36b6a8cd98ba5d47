import { useEffect, useId, useRef, useState } from 'react';
import { FilterSelect } from '../../../components/FilterBar.tsx';
import { Icon } from '../../../components/Icon.tsx';
import type { UserFilters } from './use-user-filters.ts';

const ROLES = [
  { value: '', label: 'All roles' },
  { value: 'administrator', label: 'Administrators' },
  { value: 'user', label: 'Users' },
];

const STATUSES = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
];

/** Today's MFA state of each user (a user who skips MFA counts as "skips", whatever they set up). */
const MFA_STATES = [
  { value: '', label: 'Any MFA' },
  { value: 'configured', label: 'Set up' },
  { value: 'not_configured', label: 'Not set up' },
  { value: 'skip', label: 'Skips MFA' },
];

/** Search as you type (debounced) and three filters; every change goes to the address bar. */
export function UsersToolbar({
  filters,
  onChange,
}: {
  filters: UserFilters;
  onChange: (change: Partial<UserFilters>) => void;
}) {
  const [search, setSearch] = useState(filters.q);
  const searchId = useId();

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
    <search className="toolbar no-print" aria-label="Filter users">
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
      <FilterSelect
        inline
        label="Role"
        value={filters.role}
        onChange={(role) => onChange({ role: role as UserFilters['role'] })}
        options={ROLES}
      />
      <FilterSelect
        inline
        label="Status"
        value={filters.status}
        onChange={(status) => onChange({ status: status as UserFilters['status'] })}
        options={STATUSES}
      />
      <FilterSelect
        inline
        label="MFA"
        value={filters.mfa}
        onChange={(mfa) => onChange({ mfa: mfa as UserFilters['mfa'] })}
        options={MFA_STATES}
      />
    </search>
  );
}
