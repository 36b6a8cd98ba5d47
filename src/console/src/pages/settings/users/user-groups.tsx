import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { UserView } from '../../../../../shared/api/users.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import type { Column } from '../../../components/DataTable.tsx';

type GroupsByUser = ReadonlyMap<number, Array<{ id: number; name: string }>>;

/** The groups of the users on this page, in one request (Settings > Access > Groups has the rest). */
export function useGroupsByUser(users: UserView[] | undefined): GroupsByUser | undefined {
  const ids = (users ?? []).map((user) => user.id);
  const query = useQuery(`groups-of-${ids.join(',')}`, (signal) =>
    ids.length ? accessEndpoints.memberships(ids, signal) : Promise.resolve({ items: [] }),
  );
  return useMemo(
    () => (query.data ? new Map(query.data.items.map((item) => [item.userId, item.groups])) : undefined),
    [query.data],
  );
}

/** The users table with a Groups column before "Last sign-in". */
export function withGroupsColumn(columns: Column<UserView>[], groups: GroupsByUser | undefined): Column<UserView>[] {
  const column: Column<UserView> = {
    key: 'groups',
    header: 'Groups',
    cell: (user) => {
      const list = groups?.get(user.id);
      if (!list) return <span className="muted">…</span>;
      if (list.length === 0) return <span className="muted">None</span>;
      return (
        <span className="cell-stack">
          {list.map((group) => (
            <Link key={group.id} to={`/settings/groups/${group.id}`}>
              {group.name}
            </Link>
          ))}
        </span>
      );
    },
  };
  const at = columns.findIndex((existing) => existing.key === 'lastLogin');
  return at < 0 ? [...columns, column] : [...columns.slice(0, at), column, ...columns.slice(at)];
}
