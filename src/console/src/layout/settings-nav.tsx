import type { ReactNode } from 'react';
import type { IconName } from '../components/Icon.tsx';
import { ApplicationsRoutes } from '../pages/settings/applications/ApplicationsRoutes.tsx';
import { AuditPage } from '../pages/settings/audit/AuditPage.tsx';
import { AuditForwardingPage } from '../pages/settings/audit-forwarding/AuditForwardingPage.tsx';
import { GroupsRoutes } from '../pages/settings/groups/GroupsRoutes.tsx';
import { PolicyPage } from '../pages/settings/mfa/policy/PolicyPage.tsx';
import { ProvidersRoutes } from '../pages/settings/mfa/providers/ProvidersRoutes.tsx';
import { SystemPage } from '../pages/settings/system/SystemPage.tsx';
import { UsersPage } from '../pages/settings/users/UsersPage.tsx';

export interface SettingsLink {
  /** Below /settings; the route also matches deeper paths (`users/*`) for pages with sub-pages. */
  path: string;
  label: string;
  icon: IconName;
  page: ReactNode;
}

export interface SettingsGroup {
  label: string;
  links: SettingsLink[];
}

/**
 * The Settings sidebar and its routes, from one list. A new screen is one entry, for example
 * `{ path: 'mfa/providers', label: 'Providers', icon: 'shieldCheck', page: <ProvidersRoutes /> }`.
 */
export const SETTINGS_NAV: SettingsGroup[] = [
  {
    label: 'MFA',
    links: [
      { path: 'mfa/providers', label: 'Providers', icon: 'shieldCheck', page: <ProvidersRoutes /> },
      { path: 'mfa/policy', label: 'Policy', icon: 'sliders', page: <PolicyPage /> },
    ],
  },
  {
    label: 'Access',
    links: [
      { path: 'users', label: 'Users', icon: 'users', page: <UsersPage /> },
      { path: 'groups', label: 'Groups', icon: 'shield', page: <GroupsRoutes /> },
    ],
  },
  {
    label: 'Applications',
    links: [{ path: 'applications', label: 'Applications', icon: 'globe', page: <ApplicationsRoutes /> }],
  },
  {
    label: 'System',
    links: [
      { path: 'system', label: 'System', icon: 'server', page: <SystemPage /> },
      { path: 'audit', label: 'Audit', icon: 'scroll', page: <AuditPage /> },
      { path: 'audit-forwarding', label: 'Audit forwarding', icon: 'activity', page: <AuditForwardingPage /> },
    ],
  },
];

export const SETTINGS_LINKS = SETTINGS_NAV.flatMap((group) => group.links);
/** Settings opens on Users, the everyday task; MFA leads the sidebar, as in the seed ("MFA > Providers"). */
export const FIRST_SETTINGS_PATH = '/settings/users';
