import { useCallback, useMemo, useState } from 'react';
import type { UserView } from '../../../../../shared/api/users.ts';
import { isAuthError, isForbidden } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { Pagination } from '../../../components/Pagination.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { useSession, useUser } from '../../../session/session-context.ts';
import { ResetPasswordDialog } from './ResetPasswordDialog.tsx';
import type { UserAction } from './UserActionsMenu.tsx';
import { UserConfirmDialog } from './UserConfirmDialog.tsx';
import { CreateUserDialog, EditUserDialog } from './UserFormDialog.tsx';
import { UserMfaDialog } from './UserMfaDialog.tsx';
import { UsersToolbar } from './UsersToolbar.tsx';
import { USERS_PAGE_SIZE, useUserFilters } from './use-user-filters.ts';
import { userColumns } from './users-columns.tsx';

type Open = { kind: 'create' } | { kind: UserAction; user: UserView } | null;

export function UsersPage() {
  usePageTitle('Users', 'Settings');
  const me = useUser();
  const { refresh } = useSession();
  const toast = useToast();
  const { filters, update, query, filtered } = useUserFilters();
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
  const columns = useMemo(() => userColumns(me.id, (kind, user) => setOpen({ kind, user })), [me.id]);

  if (isForbidden(list.error)) return <ForbiddenState />;

  const empty = filtered ? (
    <EmptyState
      icon="filterX"
      title="No users match these filters"
      action={<Button onClick={() => update({ q: '', role: '', status: '' })}>Clear filters</Button>}
    >
      <p>Try another search, or clear the filters to see everyone.</p>
    </EmptyState>
  ) : (
    <EmptyState
      icon="users"
      title="No users yet"
      action={
        <Button variant="primary" icon="userPlus" onClick={() => setOpen({ kind: 'create' })}>
          Add user
        </Button>
      }
    >
      <p>People who sign in to Portcullis are listed here. Add the first one.</p>
    </EmptyState>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings · Access"
        title="Users"
        description="People who can sign in to Portcullis. Administrators can also open Settings."
        actions={
          <Button variant="primary" icon="userPlus" onClick={() => setOpen({ kind: 'create' })}>
            Add user
          </Button>
        }
      />
      <UsersToolbar filters={filters} onChange={update} />
      {list.error && !isAuthError(list.error) ? (
        <ErrorBanner error={list.error} title="Users could not be loaded" onRetry={list.reload} />
      ) : (
        <div className="panel">
          <DataTable
            caption="Users"
            columns={columns}
            rows={list.data?.items}
            rowKey={(user) => user.id}
            loading={list.loading}
            empty={empty}
          />
          {list.data && (
            <Pagination
              page={list.data.page}
              pageSize={list.data.pageSize ?? USERS_PAGE_SIZE}
              total={list.data.total}
              noun="users"
              onPage={(page) => update({ page })}
            />
          )}
        </div>
      )}
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
      {(open?.kind === 'disable' || open?.kind === 'enable' || open?.kind === 'end-sessions') && (
        <UserConfirmDialog kind={open.kind} user={open.user} onClose={close} onDone={done} />
      )}
      {(open?.kind === 'reset-mfa' || open?.kind === 'skip-mfa' || open?.kind === 'require-mfa') && (
        <UserMfaDialog kind={open.kind} user={open.user} onClose={close} onDone={done} />
      )}
    </>
  );
}
