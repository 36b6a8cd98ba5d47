import { useCallback, useMemo, useState } from 'react';
import type { UserView } from '../../../../../shared/api/users.ts';
import { isForbidden } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { EmptyState, NoMatches } from '../../../components/EmptyState.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { PrintedLine, ReportActions } from '../../../components/ReportActions.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { useSession, useUser } from '../../../session/session-context.ts';
import { ResetPasswordDialog } from './ResetPasswordDialog.tsx';
import { isUserConfirmKind, UserActionDialog } from './UserActionDialog.tsx';
import type { UserAction } from './UserActionsMenu.tsx';
import { UserFactorsDialog } from './UserFactorsDialog.tsx';
import { CreateUserDialog, EditUserDialog } from './UserFormDialog.tsx';
import { UsersToolbar } from './UsersToolbar.tsx';
import { useUserFilters } from './use-user-filters.ts';
import { useGroupsByUser, withGroupsColumn } from './user-groups.tsx';
import { userColumns } from './users-columns.tsx';

type Open = { kind: 'create' } | { kind: UserAction; user: UserView } | null;

export function UsersPage() {
  usePageTitle('Users', 'Settings');
  const me = useUser();
  const { refresh } = useSession();
  const toast = useToast();
  const { filters, update, reset, sortBy, search, query, filtered } = useUserFilters();
  const key = JSON.stringify(query);
  const list = useQuery(key, (signal) => endpoints.listUsers(query, signal));
  const [open, setOpen] = useState<Open>(null);

  const close = useCallback(() => setOpen(null), []);
  const done = useCallback(
    (message: string) => {
      setOpen(null);
      toast(message);
      list.reload();
    },
    [toast, list.reload],
  );
  const groups = useGroupsByUser(list.data?.items);
  const columns = useMemo(
    () =>
      withGroupsColumn(
        userColumns(me.id, { sort: filters.sort, order: filters.order }, sortBy, (kind, user) =>
          setOpen({ kind, user }),
        ),
        groups,
      ),
    [me.id, filters.sort, filters.order, sortBy, groups],
  );

  if (isForbidden(list.error)) return <ForbiddenState />;

  const addButton = (
    <Button variant="primary" icon="userPlus" onClick={() => setOpen({ kind: 'create' })}>
      Add user
    </Button>
  );
  const empty = filtered ? (
    <NoMatches title="No users match these filters" resetLabel="Clear filters" onReset={reset}>
      <p>Try another search, or clear the filters to see everyone.</p>
    </NoMatches>
  ) : (
    <EmptyState icon="users" title="No users yet" action={addButton}>
      <p>People who sign in to Portcullis are listed here. Add the first one.</p>
    </EmptyState>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings · Access"
        title="Users"
        description="People who can sign in to Portcullis. Administrators can also open Settings."
        actions={<ReportActions exportUrl={endpoints.usersExportUrl(search)}>{addButton}</ReportActions>}
      />
      <PrintedLine report="Users report" />
      <UsersToolbar filters={filters} onChange={update} />
      <PagedTable
        list={list}
        errorTitle="Users could not be loaded"
        noun="users"
        onPage={(page) => update({ page })}
        caption="Users"
        columns={columns}
        rowKey={(user) => user.id}
        empty={empty}
      />
      {open?.kind === 'create' && (
        <CreateUserDialog
          onClose={close}
          onCreated={(user) => done(`${user.displayName} is added and can sign in as ${user.username}.`)}
        />
      )}
      {open?.kind === 'edit' && (
        <EditUserDialog
          user={open.user}
          isSelf={open.user.id === me.id}
          onClose={close}
          onSaved={(user) => {
            if (!user) return close();
            // Editing oneself changes the name in the top bar: re-read the session.
            if (user.id === me.id) refresh().catch(() => {});
            done(`${user.displayName} is saved.`);
          }}
        />
      )}
      {open?.kind === 'reset-password' && (
        <ResetPasswordDialog
          user={open.user}
          onClose={close}
          onDone={() => done(`The password of ${open.user.displayName} is reset. Their sessions have ended.`)}
        />
      )}
      {open?.kind === 'mfa-methods' && (
        <UserFactorsDialog
          user={open.user}
          onClose={close}
          onDone={(message) => {
            toast(message);
            list.reload();
          }}
        />
      )}
      {open && open.kind !== 'create' && isUserConfirmKind(open.kind) && (
        <UserActionDialog kind={open.kind} user={open.user} onClose={close} onDone={done} />
      )}
    </>
  );
}
