import { Link } from 'react-router-dom';
import { RoleBadge } from '../components/Badge.tsx';
import { Card } from '../components/Card.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { Time } from '../components/Time.tsx';
import { PageHeader } from '../layout/PageHeader.tsx';
import { usePageTitle } from '../lib/page-title.ts';
import { isAdministrator, useSession, useUser } from '../session/session-context.ts';
import { AttentionCard } from './home/AttentionCard.tsx';
import { HomeMfaCard } from './home/HomeMfaCard.tsx';

const AUTH_LEVELS: Record<string, string> = {
  password: 'Password',
  mfa: 'Password and MFA',
  single_factor_bypass: 'Password only: MFA bypassed while Duo was unreachable',
};

const SHORTCUTS: { to: string; icon: IconName; title: string; text: string }[] = [
  {
    to: '/settings/mfa/providers',
    icon: 'shieldCheck',
    title: 'MFA providers',
    text: 'Register Duo Security and test the connection.',
  },
  { to: '/settings/users', icon: 'users', title: 'Users', text: 'Add people, reset passwords, disable accounts.' },
  {
    to: '/settings/audit',
    icon: 'scroll',
    title: 'Audit log',
    text: 'Every sign-in and change, searchable and exportable.',
  },
  { to: '/settings/system', icon: 'server', title: 'System', text: 'Version, database, session limits and HTTPS.' },
];

export function HomePage() {
  usePageTitle('Home');
  const user = useUser();
  const { info } = useSession();
  const session = info.session;
  const admin = isAdministrator(user);

  return (
    <>
      <PageHeader
        title={`Welcome, ${user.displayName}`}
        description="Portcullis is the sign-in portal that guards your team's privileged-access tools: one account per person, strong passwords, multi-factor authentication and a complete audit trail."
      />
      {admin && <AttentionCard />}
      <div className="home-grid">
        <Card title="Your sign-in" id="home-session">
          <dl className="details-list">
            <div>
              <dt>Signed in as</dt>
              <dd>
                <span className="mono">{user.username}</span> <RoleBadge role={user.role} />
              </dd>
            </div>
            <div>
              <dt>Verified with</dt>
              <dd>{session ? (AUTH_LEVELS[session.authLevel] ?? session.authLevel) : '—'}</dd>
            </div>
            <div>
              <dt>Session started</dt>
              <dd>
                <Time value={session?.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Ends at the latest</dt>
              <dd>
                <Time value={session?.expiresAt} />
              </dd>
            </div>
          </dl>
          <Link to="/account" className="card-link">
            Manage my account
            <Icon name="chevronRight" size={14} />
          </Link>
        </Card>
        <HomeMfaCard admin={admin} />
      </div>
      {admin && (
        <section className="home-section" aria-labelledby="home-admin">
          <h2 className="section-title" id="home-admin">
            Administration
          </h2>
          <ul className="shortcut-grid">
            {SHORTCUTS.map((shortcut) => (
              <li key={shortcut.to}>
                <Link to={shortcut.to} className="tile shortcut">
                  <span className="tile-icon shortcut-icon">
                    <Icon name={shortcut.icon} size={20} />
                  </span>
                  <span>
                    <span className="shortcut-title">{shortcut.title}</span>
                    <span className="shortcut-text">{shortcut.text}</span>
                  </span>
                  <Icon name="chevronRight" className="tile-chevron" />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
