import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { AuthLayout } from '../layout/AuthLayout.tsx';
import { usePageTitle } from '../lib/page-title.ts';

/**
 * The second step could not start (Duo unreachable with "fail closed", or no usable provider): nobody
 * gets in on a password alone, and the person is told so plainly instead of seeing the form again.
 */
/** What the server's `reason` means for the person at the sign-in page (an outage passes; the rest needs an administrator). */
const REASONS: Record<string, string> = {
  outage: 'This is usually a short outage between Portcullis and its MFA provider, such as Duo Security.',
  provider_disabled:
    'The MFA provider your account uses is switched off. An administrator must enable it or reset your MFA.',
  no_default_provider:
    'MFA is required, but no MFA provider is available to set it up with. An administrator must enable one.',
  application_url:
    'Portcullis is not fully configured for MFA yet (its Application URL). An administrator must fix it.',
  provider_error: 'The MFA provider refused Portcullis’s settings. An administrator must check them.',
};

export function MfaUnavailable({ onRetry, reason }: { onRetry: () => void; reason?: string | null }) {
  usePageTitle('Multi-factor authentication is unavailable');
  const explanation = REASONS[reason ?? ''] ?? REASONS.outage;
  return (
    <AuthLayout wide>
      <div className="auth-state" role="alert">
        <div className="empty-state-icon auth-state-icon">
          <Icon name="shieldOff" size={26} />
        </div>
        <h1 className="auth-title">Multi-factor authentication is unavailable</h1>
        <p className="auth-subtitle">
          The second step of your sign-in cannot be reached right now, so you cannot sign in. Try again in a few
          minutes; if it persists, tell your administrator.
        </p>
      </div>
      <ul className="auth-facts">
        <li>
          <Icon name="lock" size={16} />
          <span>Portcullis did not sign you in: no one gets in without the second step while it is unavailable.</span>
        </li>
        <li>
          <Icon name="clock" size={16} />
          <span>{explanation}</span>
        </li>
      </ul>
      <Button variant="primary" icon="refresh" className="btn-block" onClick={onRetry}>
        Try again
      </Button>
      <p className="auth-help">
        If it keeps happening, tell your administrator: Settings › System › Diagnostics shows what is wrong.
      </p>
    </AuthLayout>
  );
}
