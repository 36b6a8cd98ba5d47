import { Link } from 'react-router-dom';
import { Notice } from '../components/Notice.tsx';
import { useSession } from '../session/session-context.ts';

/** After a sign-in with a recovery code: how many are left, and what to do next (on every page of that session). */
export function RecoveryCodeNotice() {
  const { info } = useSession();
  const left = info.session?.recoveryCodesLeft;
  if (left === null || left === undefined) return null;
  return (
    <div className="page-notice">
      <Notice tone={left <= 2 ? 'warning' : 'info'} title="You signed in with a recovery code">
        {left === 0
          ? 'You have no recovery codes left.'
          : `You have ${left} recovery ${left === 1 ? 'code' : 'codes'} left.`}{' '}
        If you lost your phone, set up your method again and generate new codes under{' '}
        <Link to="/account#mfa">My account › Multi-factor authentication</Link>.
      </Notice>
    </div>
  );
}
