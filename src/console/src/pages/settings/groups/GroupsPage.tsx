import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { GroupView } from '../../../../../shared/api/groups.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { isForbidden } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { EmptyState, NoMatches } from '../../../components/EmptyState.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { Menu } from '../../../components/Menu.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { Time } from '../../../components/Time.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { type QueryFilterSpec, useQueryFilters } from '../../../lib/use-query-filters.ts';
import { DeleteGroupDialog } from './DeleteGroupDialog.tsx';
import { GroupFormDialog } from './GroupFormDialog.tsx';
import { MfaPolicyBadge } from './group-badges.tsx';
import { SearchBox } from './SearchBox.tsx';

const SPEC: QueryFilterSpec<{ q: string; page: number }> = {
  read: (params) => ({ q: params.get('q') ?? '' }),
  filterKeys: ['q'],
};
export const groupPath = (group: { id: number }) => `/settings/groups/${group.id}`;

type Open = { kind: 'create' } | { kind: 'edit' | 'delete'; group: GroupView } | null;

function columns(onAction: (kind: 'edit' | 'delete', group: GroupView) => void): Column<GroupView>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      cell: (group) => (
        <span className="cell-stack">
          <Link to={groupPath(group)} className="strong-link">
            {group.name}
          </Link>
          {group.description && <span className="cell-sub">{group.description}</span>}
        </span>
      ),
    },
    { key: 'mfa', header: 'MFA', cell: (group) => <MfaPolicyBadge policy={group.mfaPolicy} /> },
    { key: 'members', header: 'Members', className: 'cell-number', cell: (group) => group.memberCount },
    {
      key: 'usedBy',
      header: 'Used by',
      cell: (group) =>
        group.usedBy.length ? (
          <span className="cell-stack">
            {group.usedBy.map((app) => (
              <Link key={app.id} to={`/settings/applications/${app.id}`}>
                {app.name}
              </Link>
            ))}
          </span>
        ) : (
          <span className="muted">No rules</span>
        ),
    },
    { key: 'updated', header: 'Changed', cell: (group) => <Time value={group.updatedAt} stacked /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions',
      cell: (group) => (
        <Menu
          align="end"
          ariaLabel={`Actions for ${group.name}`}
          triggerClassName="icon-button"
          trigger={<Icon name="more" size={18} />}
          entries={[
            { kind: 'link', key: 'members', label: 'Members', icon: 'users', to: groupPath(group) },
            {
              kind: 'action',
              key: 'edit',
              label: 'Rename or change MFA',
              icon: 'pencil',
              onSelect: () => onAction('edit', group),
            },
            { kind: 'separator', key: 'sep' },
            {
              kind: 'action',
              key: 'delete',
              label: 'Delete',
              icon: 'trash',
              danger: true,
              onSelect: () => onAction('delete', group),
            },
          ]}
        />
      ),
    },
  ];
}

/** Settings > Access > Groups: who is in which group, each group's MFA policy, and which applications name it. */
export function GroupsPage() {
  usePageTitle('Groups', 'Settings');
  const toast = useToast();
  const navigate = useNavigate();
  const { filters, update, reset } = useQueryFilters(SPEC);
  const params = { ...(filters.q.trim() && { q: filters.q.trim() }), page: filters.page, pageSize: 30 };
  const list = useQuery(JSON.stringify(params), (signal) => accessEndpoints.listGroups(params, signal));
  const [open, setOpen] = useState<Open>(null);
  const close = useCallback(() => setOpen(null), []);
  const table = useMemo(() => columns((kind, group) => setOpen({ kind, group })), []);

  if (isForbidden(list.error)) return <ForbiddenState />;

  const addButton = (
    <Button variant="primary" icon="plus" onClick={() => setOpen({ kind: 'create' })}>
      Add group
    </Button>
  );
  const empty = filters.q.trim() ? (
    <NoMatches title="No groups match this search" resetLabel="Clear search" onReset={reset}>
      <p>Try another part of the name.</p>
    </NoMatches>
  ) : (
    <EmptyState icon="users" title="No groups yet" action={addButton}>
      <p>
        A group gathers users so an application's access rules can name them (“admins may reach Grafana”). A group can
        also require MFA of its members, or exempt them.
      </p>
    </EmptyState>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings · Access"
        title="Groups"
        description="Sets of users that access rules name. Each group can also change the MFA requirement of its members."
        actions={addButton}
      />
      <SearchBox label="Search groups" placeholder="Search by name" value={filters.q} onSearch={(q) => update({ q })} />
      <PagedTable
        list={list}
        errorTitle="Groups could not be loaded"
        noun="groups"
        onPage={(page) => update({ page })}
        caption="Groups"
        columns={table}
        rowKey={(group) => group.id}
        empty={empty}
      />
      {open?.kind === 'create' && (
        <GroupFormDialog
          onClose={close}
          onSaved={(group) => {
            close();
            toast(`Group ${group.name} is added. Add its members now.`);
            navigate(groupPath(group));
          }}
        />
      )}
      {open?.kind === 'edit' && (
        <GroupFormDialog
          group={open.group}
          onClose={close}
          onSaved={(group) => {
            close();
            toast(`Group ${group.name} is saved.`);
            list.reload();
          }}
        />
      )}
      {open?.kind === 'delete' && (
        <DeleteGroupDialog
          group={open.group}
          onClose={close}
          onDeleted={() => {
            close();
            toast(`Group ${open.group.name} is deleted.`);
            list.reload();
          }}
        />
      )}
    </>
  );
}
