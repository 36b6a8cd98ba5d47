import { Link, useSearchParams } from 'react-router-dom';
import type { ChallengeView } from '../../../../shared/api/session.ts';
import { catalogueMessage, isAuthError } from '../../api/client.ts';
import { endpoints } from '../../api/endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice } from '../../components/Notice.tsx';
import { SkeletonLines } from '../../components/Skeleton.tsx';
import { AuthLayout } from '../../layout/AuthLayout.tsx';
import { formatWait } from '../../lib/format.ts';
import { usePageTitle } from '../../lib/page-title.ts';
import { CeremonyForm } from './CeremonyForm.tsx';
import { CodeForm } from './CodeForm.tsx';
import { ContinueForm } from './ContinueForm.tsx';
import { EnrolAppForm } from './EnrolAppForm.tsx';
import { OtherMethods } from './OtherMethods.tsx';

/** What a failure code sent back to this page means, with what is left to try. */
function failureText(code: string | null, attemptsLeft: string | null, retryAfter: string | null): string | null {
  const message = catalogueMessage(code);
  if (!message) return null;
  const left = Number(attemptsLeft);
  if ((code === 'MFA_CODE_WRONG' || code === 'MFA_CODE_REUSED') && Number.isFinite(left) && attemptsLeft !== null)
    return `${message} ${left === 1 ? 'One attempt left.' : `${left} attempts left.`}`;
  const wait = Number(retryAfter);
  if (code === 'MFA_CODE_THROTTLED' && Number.isFinite(wait) && wait > 0)
    return `Too many wrong codes for this account. Try again in ${formatWait(wait)}.`;
  return message;
}

function titleOf(view: ChallengeView): string {
  if (view.kind === 'enrol_code') return 'Set up your authenticator app';
  if (view.kind === 'ceremony')
    return view.ceremony?.mode === 'register' ? 'Register a security key or passkey' : 'Use your security key';
  if (view.kind === 'redirect') return `Continue with ${view.factor.label}`;
  return view.factor.type === 'recovery_codes' ? 'Enter a recovery code' : 'Enter your code';
}

/**
 * The second step of a sign-in on our own page: a code from an authenticator app or a recovery code,
 * the first code of a new app, or "Continue" to a provider's prompt — with "Use another method". Every
 * form here is a native POST (a provider's prompt is a top-level navigation).
 */
export function VerifyPage() {
  const [params] = useSearchParams();
  const id = params.get('challenge') ?? '';
  const query = useQuery(`challenge:${id}`, () => endpoints.challenge(id));
  const view = query.data;
  usePageTitle(view ? titleOf(view) : 'Verify it is you');
  const error = failureText(params.get('error'), params.get('attemptsLeft'), params.get('retryAfter'));
  const back = view && view.purpose !== 'sign_in' ? '/account' : '/signin';

  if (query.error) {
    const expired = isAuthError(query.error) || query.error.code === 'MFA_EXPIRED';
    return (
      <AuthLayout>
        <div className="auth-state" role="alert">
          <div className="empty-state-icon auth-state-icon">
            <Icon name="clock" size={26} />
          </div>
          <h1 className="auth-title">{expired ? 'This step is over' : 'This step could not be loaded'}</h1>
          <p className="auth-subtitle">
            {expired
              ? 'It expired, was already used, or belongs to another browser. Sign in again to continue.'
              : catalogueMessage(query.error.code)}
          </p>
        </div>
        {!expired && <ErrorBanner error={query.error} title="Something went wrong" onRetry={query.reload} />}
        <Link className="btn btn-primary btn-block" to="/signin">
          Sign in again
        </Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout wide={view?.kind === 'enrol_code'}>
      {!view ? (
        <SkeletonLines lines={5} />
      ) : (
        <>
          <h1 className="auth-title">{titleOf(view)}</h1>
          <p className="auth-subtitle">{subtitleOf(view)}</p>
          <div className="auth-notices">
            {view.unavailable && (
              <Notice tone="warning" title={`${view.unavailable} is unavailable right now`}>
                Use{' '}
                {view.factor.type === 'recovery_codes' ? 'a recovery code' : `your ${view.factor.method.toLowerCase()}`}{' '}
                instead, or try {view.unavailable} again in a few minutes.
              </Notice>
            )}
            {error && <Notice tone="danger">{error}</Notice>}
          </div>
          {view.kind === 'redirect' && <ContinueForm view={view} />}
          {view.kind === 'code' && <CodeForm view={view} />}
          {view.kind === 'enrol_code' && <EnrolAppForm view={view} />}
          {view.kind === 'ceremony' && <CeremonyForm view={view} />}
          <OtherMethods view={view} />
          <p className="auth-help">
            <Link to={back}>
              {view.purpose === 'sign_in' ? 'Cancel and sign in again' : 'Cancel and go back to My account'}
            </Link>
          </p>
        </>
      )}
    </AuthLayout>
  );
}

function subtitleOf(view: ChallengeView): string {
  if (view.kind === 'enrol_code')
    return view.purpose === 'sign_in'
      ? 'Your organisation requires a second step at sign-in. Set up an authenticator app now: it takes a minute.'
      : 'Scan the QR code with your authenticator app, then type the code it shows to confirm.';
  if (view.kind === 'redirect') return 'You continue on its own page, then come back here signed in.';
  if (view.kind === 'ceremony')
    return view.ceremony?.mode === 'register'
      ? 'Your browser will ask you to touch the key, or to confirm with your fingerprint, face or PIN.'
      : 'Touch your security key, or confirm with your fingerprint, face or PIN when your browser asks.';
  if (view.factor.type === 'recovery_codes') return 'Type one of the recovery codes you saved. Each code works once.';
  const named = view.factor.label !== view.factor.method ? ` (${view.factor.label})` : '';
  return `Open your authenticator app${named} and type the ${view.digits ?? 6}-digit code it shows for Portcullis.`;
}
