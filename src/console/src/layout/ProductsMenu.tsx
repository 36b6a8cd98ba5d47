import { useLocation } from 'react-router-dom';
import { Icon } from '../components/Icon.tsx';
import { Menu, type MenuEntry } from '../components/Menu.tsx';
import { isAdministrator, useUser } from '../session/session-context.ts';

/** The products of this portal. Settings (administrators) is where MFA providers will be registered. */
export function ProductsMenu() {
  const user = useUser();
  const { pathname } = useLocation();
  const entries: MenuEntry[] = [
    {
      kind: 'link',
      key: 'home',
      label: 'Home',
      to: '/',
      icon: 'home',
      description: 'Overview and shortcuts',
      current: pathname === '/',
    },
  ];
  if (isAdministrator(user)) {
    entries.push({
      kind: 'link',
      key: 'settings',
      label: 'Settings',
      to: '/settings',
      icon: 'settings',
      description: 'MFA providers, users, audit log and system',
      current: pathname.startsWith('/settings'),
    });
  }
  entries.push({
    kind: 'link',
    key: 'account',
    label: 'My account',
    to: '/account',
    icon: 'user',
    description: 'Profile, password and sessions',
    current: pathname.startsWith('/account'),
  });

  return (
    <Menu
      trigger={
        <>
          <Icon name="compass" />
          <span>Products</span>
          <Icon name="chevronDown" size={14} className="chevron" />
        </>
      }
      entries={entries}
      openOnHover
      triggerClassName="topbar-button"
      menuClassName="menu-products"
    />
  );
}
