import type { UserView } from '../../../../../shared/api/users.ts';
import { Icon } from '../../../components/Icon.tsx';
import { Menu } from '../../../components/Menu.tsx';

export type UserAction =
  | 'edit'
  | 'disable'
  | 'enable'
  | 'reset-password'
  | 'end-sessions'
  | 'reset-mfa'
  | 'mfa-methods'
  | 'skip-mfa'
  | 'require-mfa';

/** The row menu. On one's own row, the actions that would lock oneself out are shown but unavailable. */
export function UserActionsMenu({
  user,
  isSelf,
  onAction,
}: {
  user: UserView;
  isSelf: boolean;
  onAction: (action: UserAction, user: UserView) => void;
}) {
  const selfHint = 'Not available for your own account';
  return (
    <Menu
      align="end"
      ariaLabel={`Actions for ${user.username}`}
      triggerClassName="icon-button"
      trigger={<Icon name="more" size={18} />}
      entries={[
        { kind: 'action', key: 'edit', label: 'Edit', icon: 'user', onSelect: () => onAction('edit', user) },
        {
          kind: 'action',
          key: 'reset',
          label: 'Reset password',
          icon: 'key',
          onSelect: () => onAction('reset-password', user),
        },
        {
          kind: 'action',
          key: 'sessions',
          label: 'End sessions',
          icon: 'logOut',
          disabled: isSelf,
          hint: `${selfHint}: use My account › Sign out other sessions`,
          onSelect: () => onAction('end-sessions', user),
        },
        { kind: 'separator', key: 'sep-mfa' },
        {
          kind: 'action',
          key: 'mfa-methods',
          label: 'MFA methods',
          icon: 'shieldCheck',
          onSelect: () => onAction('mfa-methods', user),
        },
        {
          kind: 'action',
          key: 'reset-mfa',
          label: 'Reset MFA',
          icon: 'smartphone',
          disabled: isSelf || !user.mfa,
          hint: isSelf ? `${selfHint}: use My account › Configure MFA` : `${user.username} has no MFA set up`,
          onSelect: () => onAction('reset-mfa', user),
        },
        user.mfaSkip
          ? {
              kind: 'action',
              key: 'require-mfa',
              label: 'Require MFA',
              icon: 'shieldCheck',
              disabled: isSelf,
              hint: selfHint,
              onSelect: () => onAction('require-mfa', user),
            }
          : {
              kind: 'action',
              key: 'skip-mfa',
              label: 'Skip MFA',
              icon: 'shieldOff',
              disabled: isSelf,
              hint: selfHint,
              onSelect: () => onAction('skip-mfa', user),
            },
        { kind: 'separator', key: 'sep' },
        user.disabled
          ? { kind: 'action', key: 'enable', label: 'Enable', icon: 'check', onSelect: () => onAction('enable', user) }
          : {
              kind: 'action',
              key: 'disable',
              label: 'Disable',
              icon: 'lock',
              danger: true,
              disabled: isSelf,
              hint: selfHint,
              onSelect: () => onAction('disable', user),
            },
      ]}
    />
  );
}
