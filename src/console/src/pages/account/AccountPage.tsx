import { useState } from 'react';
import { buttonClass } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { PageHeader } from '../../layout/PageHeader.tsx';
import { SignOutForm } from '../../layout/SignOutForm.tsx';
import { usePageTitle } from '../../lib/page-title.ts';
import { ChangePasswordCard } from './ChangePasswordCard.tsx';
import { MfaCard } from './MfaCard.tsx';
import { ProfileCard } from './ProfileCard.tsx';
import { SessionsCard } from './SessionsCard.tsx';

export function AccountPage() {
  usePageTitle('My account');
  // Bumped when a password change signs out other sessions, so the list reloads.
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return (
    <>
      <PageHeader
        title="My account"
        description="Your profile, multi-factor authentication, password, and the places where you are signed in."
        actions={
          <SignOutForm
            renderButton={() => (
              <button type="submit" className={buttonClass('secondary')}>
                <Icon name="logOut" />
                <span>Sign out</span>
              </button>
            )}
          />
        }
      />
      <div className="account-mfa">
        <MfaCard />
      </div>
      <div className="account-grid">
        <ProfileCard />
        <ChangePasswordCard onSessionsChanged={() => setSessionsVersion((value) => value + 1)} />
      </div>
      <SessionsCard version={sessionsVersion} />
    </>
  );
}
