import { Link } from 'react-router-dom';
import type { MyMfa } from '../../../../shared/api/mfa.ts';
import { Notice } from '../../components/Notice.tsx';
import { isAdministrator, useUser } from '../../session/session-context.ts';

/** What stands in the way of MFA, or weakens this sign-in, said before the Configure MFA button. */
export function MfaNotices({ mfa, authLevel }: { mfa: MyMfa; authLevel: string | undefined }) {
  const admin = isAdministrator(useUser());
  return (
    <>
      {authLevel === 'single_factor_bypass' && (
        <Notice tone="warning" title="Signed in without MFA because your provider was unreachable">
          Your provider allows sign-in with a password alone during a Duo outage, and this session was opened that way.
          It is recorded in the audit log. Sign out and in again once Duo is back to use MFA.
        </Notice>
      )}
      {mfa.factors.length > 0 && mfa.factors.every((factor) => factor.provider && !factor.provider.enabled) && (
        <Notice tone="danger" title="Your MFA providers are disabled">
          You cannot sign in with your methods until an administrator enables them again. Add a method with another
          provider below, or ask an administrator.
        </Notice>
      )}
      {mfa.factors.some((factor) => factor.key?.cloneSuspectedAt) && (
        <Notice tone="danger" title="One of your security keys may have been copied">
          Its signature counter went back, which a copied key does. Portcullis refused that sign-in. If you did not
          expect this, remove the key below, register it again, and tell your administrator.
        </Notice>
      )}
      {mfa.skip && (
        <Notice tone="info" title="An administrator exempted you from MFA">
          You sign in with your password alone (“Skip MFA”), even if you set up MFA here.
        </Notice>
      )}
      {mfa.factors.length === 0 && mfa.policy.mode === 'required' && !mfa.skip && (
        <Notice tone="warning" title="MFA is required on this portal">
          Set it up now, or you will be asked to at your next sign-in.
        </Notice>
      )}
      {!mfa.ready && mfa.providers.every((provider) => provider.redirect) ? (
        <Notice tone="warning" title="MFA cannot be set up yet">
          {mfa.readyProblem ? `${mfa.readyProblem} ` : ''}An administrator must set the Application URL first
          {admin ? (
            <>
              {' '}
              under <Link to="/settings/system">Settings › System</Link>.
            </>
          ) : (
            '.'
          )}
        </Notice>
      ) : (
        mfa.providers.length === 0 && (
          <Notice tone="info" title="No MFA provider is available">
            {admin ? (
              <>
                Register one under <Link to="/settings/mfa/providers">Settings › MFA › Providers</Link>, then set up
                yours here.
              </>
            ) : (
              'An administrator has not enabled an MFA provider yet. You can set up MFA here once they have.'
            )}
          </Notice>
        )
      )}
    </>
  );
}
