import { NavLink, Outlet } from 'react-router-dom';
import { Icon } from '../components/Icon.tsx';
import { SETTINGS_NAV } from './settings-nav.tsx';

/** Settings: a sidebar of groups (MFA, Access, System) beside the selected page. */
export function SettingsLayout() {
  return (
    <div className="settings">
      <div className="sidebar-column">
        <nav className="sidebar" aria-label="Settings">
          <p className="sidebar-title">
            <Icon name="settings" />
            Settings
          </p>
          {SETTINGS_NAV.map((group) => (
            <div className="sidebar-group" key={group.label}>
              <h2 className="sidebar-group-label" id={`sidebar-${group.label}`}>
                {group.label}
              </h2>
              <ul className="sidebar-links" aria-labelledby={`sidebar-${group.label}`}>
                {group.links.map((link) => (
                  <li key={link.path}>
                    <NavLink to={`/settings/${link.path}`} className="sidebar-link">
                      <Icon name={link.icon} />
                      <span>{link.label}</span>
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </div>
      <main id="main" className="settings-content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
