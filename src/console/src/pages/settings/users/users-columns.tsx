import type { UserView } from '../../../../../shared/api/users.ts';
import { Badge, RoleBadge, StatusBadge } from '../../../components/Badge.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { Time } from '../../../components/Time.tsx';
import { type UserAction, UserActionsMenu } from './UserActionsMenu.tsx';

/** Breaks a long address before the @ (never in the middle of a word) when the column is narrow. */
function Email({ address }: { address: string }) {
  const at = address.lastIndexOf('@');
  if (at <= 0) return <span className="cell-email">{address}</span>;
  return (
    <span className="cell-email">
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </span>
  );
}

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
  onAction: (action: UserAction, user: UserView) => void,
): Column<UserView>[] {
  return [
    {
      key: 'username',
      header: 'Username',
      cell: (user) => (
        <span className="cell-username">
          <span className="mono">{user.username}</span>
          {user.id === selfId && <Badge>You</Badge>}
        </span>
      ),
    },
    { key: 'displayName', header: 'Display name', cell: (user) => user.displayName },
    { key: 'email', header: 'Email', cell: (user) => <Email address={user.email} /> },
    { key: 'role', header: 'Role', cell: (user) => <RoleBadge role={user.role} /> },
    { key: 'status', header: 'Status', cell: (user) => <StatusBadge disabled={user.disabled} /> },
    { key: 'mfa', header: 'MFA', cell: (user) => <MfaCell user={user} /> },
    {
      key: 'lastLogin',
      header: 'Last sign-in',
      cell: (user) => <Time value={user.lastLoginAt} fallback="Never" />,
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions',
      cell: (user) => <UserActionsMenu user={user} isSelf={user.id === selfId} onAction={onAction} />,
    },
  ];
}
