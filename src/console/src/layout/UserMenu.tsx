import { Icon } from '../components/Icon.tsx';
import { Menu } from '../components/Menu.tsx';
import { initials } from '../lib/format.ts';
import { useUser } from '../session/session-context.ts';
import { SignOutForm } from './SignOutForm.tsx';

/** Top right: who is signed in, My account, and Sign out. */
export function UserMenu() {
  const user = useUser();
  return (
    <Menu
      align="end"
      triggerClassName="topbar-button topbar-user"
      trigger={
        <>
          <span className="avatar" aria-hidden="true">
            {initials(user.displayName)}
          </span>
          <span className="topbar-user-name">{user.displayName}</span>
          <Icon name="chevronDown" size={14} className="chevron" />
        </>
      }
      entries={[
        {
          kind: 'header',
          key: 'who',
          content: (
            <>
              <span className="menu-header-name">{user.displayName}</span>
              <span className="menu-header-meta">
                {user.username} · {user.role === 'administrator' ? 'Administrator' : 'User'}
              </span>
            </>
          ),
        },
        { kind: 'link', key: 'account', label: 'My account', to: '/account', icon: 'user' },
        { kind: 'separator', key: 'sep' },
        {
          kind: 'custom',
          key: 'signout',
          render: ({ ref, ...itemProps }) => (
            <SignOutForm
              renderButton={() => (
                <button type="submit" ref={ref} {...itemProps}>
                  <span className="menu-item-icon">
                    <Icon name="logOut" />
                  </span>
                  <span className="menu-item-text">
                    <span className="menu-item-label">Sign out</span>
                  </span>
                </button>
              )}
            />
          ),
        },
      ]}
    />
  );
}
