import type { UserSortKey, UserView } from '../../../../../shared/api/users.ts';
import { Badge, RoleBadge, StatusBadge } from '../../../components/Badge.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { EmailAddress } from '../../../components/EmailAddress.tsx';
import { sortableHeader } from '../../../components/SortHeader.tsx';
import { Time } from '../../../components/Time.tsx';
import { type UserAction, UserActionsMenu } from './UserActionsMenu.tsx';
import type { UserFilters } from './use-user-filters.ts';

function MfaCell({ user }: { user: UserView }) {
  return (
    <span className="cell-stack">
      {user.mfaSkip && (
        <span title="An administrator exempted this user: they sign in with their password alone.">
          <Badge tone="warning">Skip MFA</Badge>
        </span>
      )}
      {user.mfa ? (
        <span className={user.mfa.providerEnabled ? undefined : 'cell-warning'}>
          {user.mfa.providerName}
          {!user.mfa.providerEnabled && ' (disabled)'}
        </span>
      ) : (
        !user.mfaSkip && <span className="muted">Not set up</span>
      )}
    </span>
  );
}

export function userColumns(
  selfId: number,
  order: Pick<UserFilters, 'sort' | 'order'>,
  sortBy: (key: UserSortKey) => void,
  onAction: (action: UserAction, user: UserView) => void,
): Column<UserView>[] {
  const sortable = (key: UserSortKey, label: string) => sortableHeader(key, label, order, sortBy);
  return [
    {
      key: 'username',
      ...sortable('username', 'Username'),
      cell: (user) => (
        <span className="cell-username">
          <span className="mono">{user.username}</span>
          {user.id === selfId && <Badge>You</Badge>}
        </span>
      ),
    },
    { key: 'displayName', ...sortable('displayName', 'Display name'), cell: (user) => user.displayName },
    { key: 'email', ...sortable('email', 'Email'), cell: (user) => <EmailAddress address={user.email} /> },
    { key: 'role', ...sortable('role', 'Role'), cell: (user) => <RoleBadge role={user.role} /> },
    { key: 'status', ...sortable('status', 'Status'), cell: (user) => <StatusBadge disabled={user.disabled} /> },
    { key: 'mfa', header: 'MFA', cell: (user) => <MfaCell user={user} /> },
    {
      key: 'lastLogin',
      ...sortable('lastLogin', 'Last sign-in'),
      cell: (user) => <Time value={user.lastLoginAt} fallback="Never" />,
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions no-print',
      cell: (user) => <UserActionsMenu user={user} isSelf={user.id === selfId} onAction={onAction} />,
    },
  ];
}
